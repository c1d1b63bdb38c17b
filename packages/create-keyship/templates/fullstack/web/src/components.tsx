/** Small building blocks shared by the pages. */
import type { MouseEvent, ReactNode } from "react";
import { navigate } from "./router.ts";

/** A link that navigates without reloading. */
export function Link(props: { to: string; className?: string; children: ReactNode }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(props.to);
  };
  return (
    <a href={props.to} className={props.className} onClick={onClick}>
      {props.children}
    </a>
  );
}

/** An error or success message; renders nothing without text. */
export function Notice(props: { kind?: "error" | "success"; children?: ReactNode }) {
  if (props.children === undefined || props.children === "") return null;
  return (
    <p
      className={`notice notice-${props.kind ?? "error"}`}
      role={props.kind === "success" ? "status" : "alert"}
    >
      {props.children}
    </p>
  );
}

/** Formats an ISO timestamp for people; "never" for null. */
export function when(iso: string | null): string {
  if (iso === null) return "never";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
