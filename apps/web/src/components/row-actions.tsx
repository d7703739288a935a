import { Button } from './button';

interface EditDeleteButtonsProps {
  /** What the row is, in the buttons' accessible names: "Edit DATABASE_URL". */
  name: string;
  /** Why the caller may not change it; both buttons are then disabled and say why. */
  refusal?: string;
  onEdit: () => void;
  onDelete: () => void;
}

/** Edit and Delete, the actions of a row. */
export function EditDeleteButtons({ name, refusal, onEdit, onDelete }: EditDeleteButtonsProps) {
  return (
    <>
      <Button tone="secondary" small refusal={refusal} aria-label={`Edit ${name}`} onClick={onEdit}>
        Edit
      </Button>
      <Button tone="secondary" small refusal={refusal} aria-label={`Delete ${name}`} onClick={onDelete}>
        Delete
      </Button>
    </>
  );
}
