/**
 * The shell: who is signed in, the navigation, and which page to show.
 * Signed out: /signin, /signup and /recover (also the emailed recovery link, #token=…).
 * Signed in: /, /security and (admins only) /admin. Either way: /confirm-email, the page of
 * the email-change link.
 * Home offers recovery codes to an account without any; a recovered account lands on
 * /security (new codes, and the lost passkey to remove).
 */
import type { Me } from "@keyship/client";
import { useCallback, useEffect, useState } from "react";
import { Link } from "./components.tsx";
import { keyship, providerReturn } from "./keyship.ts";
import { Admin } from "./pages/Admin.tsx";
import { ConfirmEmail } from "./pages/ConfirmEmail.tsx";
import { Home } from "./pages/Home.tsx";
import { Recover } from "./pages/Recover.tsx";
import { Security } from "./pages/Security.tsx";
import { SignIn } from "./pages/SignIn.tsx";
import { SignUp } from "./pages/SignUp.tsx";
import { navigate, useRoute } from "./router.ts";

export function App() {
  const path = useRoute();
  // undefined: still asking the server; null: signed out.
  const [me, setMe] = useState<Me | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    await providerReturn.catch(() => null); // back from a provider: signed in by now
    if (!(await keyship.isSignedIn())) return setMe(null);
    setMe(await keyship.me().catch(() => null));
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = async () => {
    await keyship.logout().catch(() => {});
    setMe(null);
    navigate("/signin");
  };

  if (me === undefined) return <div className="splash" aria-busy="true" />;

  const onSignedIn = async () => {
    await refresh();
    navigate("/");
  };
  const toSecurity = async () => {
    await refresh();
    navigate("/security");
  };

  return (
    <div className="layout">
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="logo" aria-hidden="true" />
          {"{{title}}"}
        </Link>
        {me !== null && (
          <nav className="nav">
            <Link to="/" className={path === "/" ? "active" : ""}>
              Home
            </Link>
            <Link to="/security" className={path === "/security" ? "active" : ""}>
              Security
            </Link>
            {me.role === "admin" && (
              <Link to="/admin" className={path === "/admin" ? "active" : ""}>
                Admin
              </Link>
            )}
            <button type="button" className="ghost" onClick={signOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main className="content">
        {path === "/confirm-email" ? (
          <ConfirmEmail onConfirmed={refresh} />
        ) : me === null ? (
          path === "/signup" ? (
            <SignUp onSignedIn={onSignedIn} />
          ) : path === "/recover" ? (
            <Recover onRecovered={toSecurity} />
          ) : (
            <SignIn onSignedIn={onSignedIn} />
          )
        ) : path === "/security" ? (
          <Security me={me} onSignedOut={signOut} />
        ) : path === "/admin" && me.role === "admin" ? (
          <Admin />
        ) : (
          <Home me={me} />
        )}
      </main>
      <footer className="footer">
        Passkeys by <a href="https://github.com/keyship">keyship</a> · <a href="/docs">API docs</a>
      </footer>
    </div>
  );
}
