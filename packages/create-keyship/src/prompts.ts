/**
 * Interactive questions over `node:readline/promises`: a text answer, a choice, a yes/no.
 * @module
 */
import { createInterface, type Interface } from "node:readline/promises";

/** Asks questions on a terminal. */
export interface Prompter {
  text(
    question: string,
    fallback: string,
    check?: (answer: string) => string | undefined,
  ): Promise<string>;
  choose<T extends string>(question: string, choices: readonly T[], fallback: T): Promise<T>;
  confirm(question: string, fallback: boolean): Promise<boolean>;
  close(): void;
}

/**
 * A prompter on `input`/`output` (the terminal by default). Empty answers take the default
 * shown in brackets; invalid answers are asked again.
 */
export function createPrompter(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Prompter {
  const rl: Interface = createInterface({ input, output });
  const ask = async (question: string, hint: string): Promise<string> =>
    (await rl.question(`? ${question} ${hint} `)).trim();
  return {
    async text(question, fallback, check) {
      for (;;) {
        const answer = (await ask(question, `(${fallback})`)) || fallback;
        const problem = check?.(answer);
        if (problem === undefined) return answer;
        output.write(`  ${problem}\n`);
      }
    },
    async choose(question, choices, fallback) {
      const hint = choices.map((c) => (c === fallback ? `[${c}]` : c)).join(" / ");
      for (;;) {
        const answer = (await ask(question, hint)).toLowerCase();
        if (answer === "") return fallback;
        const match = choices.find((c) => c === answer || c.startsWith(answer));
        if (match !== undefined) return match;
        output.write(`  choose one of: ${choices.join(", ")}\n`);
      }
    },
    async confirm(question, fallback) {
      for (;;) {
        const answer = (await ask(question, fallback ? "(Y/n)" : "(y/N)")).toLowerCase();
        if (answer === "") return fallback;
        if (answer === "y" || answer === "yes") return true;
        if (answer === "n" || answer === "no") return false;
      }
    },
    close: () => rl.close(),
  };
}
