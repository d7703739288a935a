export function WorkersEmpty() {
  return (
    <div className="empty-state">
      No worker is running: start it with <code>npm start</code>
    </div>
  );
}
