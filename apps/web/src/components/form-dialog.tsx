import { Dialog } from './dialog';
import { Form } from './form';
import { FormActions, type FormActionsProps } from './form-actions';

interface FormDialogProps extends Omit<FormActionsProps, 'onCancel' | 'onClick' | 'className'> {
  title: string;
  /** What the form does, in a sentence; announced with the dialog. */
  description?: string;
  /** The form's accessible name, where tests or users look the form up by it. */
  formLabel?: string;
  onSubmit: () => void;
  onClose: () => void;
  /** Room for a form of several columns. */
  wide?: boolean;
  children?: React.ReactNode;
}

/** A dialog holding one form that ends with Cancel and its submit button. */
export function FormDialog({ title, description, formLabel, onSubmit, onClose, wide, children, ...actions }: FormDialogProps) {
  return (
    <Dialog title={title} description={description} onClose={onClose} wide={wide}>
      <Form label={formLabel} onSubmit={onSubmit}>
        {children}
        <FormActions {...actions} onCancel={onClose} />
      </Form>
    </Dialog>
  );
}
