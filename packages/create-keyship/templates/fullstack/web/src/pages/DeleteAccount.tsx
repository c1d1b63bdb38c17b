/**
 * The security page's last card: delete the account and everything that signs in to it, after
 * a confirmation and a fresh passkey proof (the SDK asks for it). The browser forgets its
 * device key; the app returns to the sign-in page.
 */
import { Notice } from "../components.tsx";
import { ConfirmButton } from "../inline.tsx";
import { keyship, sensitive } from "../keyship.ts";
import { useSubmit } from "../router.ts";

export function DeleteAccount(props: { onDeleted: () => Promise<void> }) {
  const { error, run } = useSubmit();
  const remove = () =>
    run(async () => {
      await sensitive(() => keyship.deleteAccount());
      await props.onDeleted();
    });

  return (
    <section className="card" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      <p className="muted">
        Deletes your account, passkeys, devices and recovery codes. This cannot be undone.
      </p>
      <ConfirmButton
        label="Delete my account"
        question="Delete your account for good?"
        confirm="Delete it"
        className="danger small"
        onConfirm={remove}
      />
      <Notice>{error}</Notice>
    </section>
  );
}
