/**
 * A device's default label from its User-Agent: "Chrome on Linux", "Safari on iPhone", instead
 * of "Browser". A small parser of the browser and OS tokens every major browser sends; the
 * order matters (Edge and Opera also say "Chrome", Chrome also says "Safari"). Anything it does
 * not recognise gives no label.
 * @module
 */

/** Browser tokens, most specific first. */
const BROWSERS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\b(?:OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bVivaldi\//, "Vivaldi"],
  [/\bYaBrowser\//, "Yandex Browser"],
  [/\b(?:Firefox|FxiOS)\//, "Firefox"],
  [/\b(?:CriOS|HeadlessChrome|Chrome)\//, "Chrome"],
  [/\bChromium\//, "Chromium"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

/** OS tokens, most specific first (iPhone and Android also mention "like Mac OS X" / "Linux"). */
const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\biPhone\b/, "iPhone"],
  [/\biPad\b/, "iPad"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

function firstMatch(text: string, table: ReadonlyArray<readonly [RegExp, string]>) {
  return table.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * "Browser on OS" for a User-Agent header, or undefined when neither is recognised.
 * @param userAgent the `User-Agent` header of the sign-in request
 * @example
 * describeUserAgent("Mozilla/5.0 (X11; Linux x86_64) … Chrome/156.0.0.0 Safari/537.36")
 * // "Chrome on Linux"
 */
export function describeUserAgent(userAgent: string | undefined): string | undefined {
  if (userAgent === undefined) return undefined;
  const text = userAgent.slice(0, 512); // what the devices table keeps
  const browser = firstMatch(text, BROWSERS);
  const system = firstMatch(text, SYSTEMS);
  if (browser !== undefined && system !== undefined) return `${browser} on ${system}`;
  return browser ?? system;
}
