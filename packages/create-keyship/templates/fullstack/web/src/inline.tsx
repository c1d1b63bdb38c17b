/**
 * Inline confirmations and edits: a destructive button asks "Sure?" in place before acting,
 * and a name is edited in place instead of in a `prompt()` dialog.
 */
import { type FormEvent, useState } from "react";

/**
 * A button that asks for confirmation in place: the first click shows `question` with a
 * confirming button (`confirm`) and Cancel; only the second click runs `onConfirm`.
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirm: string;
  className?: string;
  onConfirm: () => unknown;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={props.className} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <fieldset className="confirm">
      <legend className="small">{props.question}</legend>
      <button
        type="button"
        className="danger small"
        onClick={() => {
          setAsking(false);
          void props.onConfirm();
        }}
      >
        {props.confirm}
      </button>
      <button type="button" className="ghost small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </fieldset>
  );
}

/**
 * A name edited in place: `label` (e.g. "Passkey name") names the field for screen readers;
 * Enter or Save calls `onSave` with the trimmed value, Escape or Cancel gives up.
 */
export function InlineRename(props: {
  value: string;
  label: string;
  maxLength: number;
  onSave: (name: string) => unknown;
  onCancel: () => void;
}) {
  const [name, setName] = useState(props.value);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === "" || trimmed === props.value) return props.onCancel();
    void props.onSave(trimmed);
  };
  return (
    <form className="inline-rename" onSubmit={submit}>
      <input
        aria-label={props.label}
        value={name}
        maxLength={props.maxLength}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this field
        autoFocus
        onChange={(e) => setName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") props.onCancel();
        }}
      />
      <button type="submit" className="primary small">
        Save
      </button>
      <button type="button" className="ghost small" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
