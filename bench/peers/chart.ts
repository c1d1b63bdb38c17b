/**
 * Draws the chart of `npm run bench:peers` with Vega-Lite (compiled to Vega and rendered to
 * SVG headless, no canvas): requests per second of every target, median of the rounds, with
 * the lowest and highest round as a rule. Reads the run's JSON, writes the SVG.
 *
 *   node bench/peers/chart.ts <results.json> <chart.svg>
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

interface Row {
  readonly name: string;
  readonly group: string;
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
}

const [input, output] = process.argv.slice(2);
if (input === undefined || output === undefined) throw new Error("usage: chart.ts <json> <svg>");
const run = JSON.parse(readFileSync(input, "utf8")) as {
  readonly targets: readonly Row[];
  readonly machine: { readonly summary: string; readonly loadBefore: readonly number[] };
};

const spec: TopLevelSpec = {
  title: {
    text: "GET /me, requests per second (median of rounds; rule: lowest to highest round)",
    subtitle: [
      run.machine.summary,
      `load average ${run.machine.loadBefore.map((l) => l.toFixed(1)).join(" ")} before the run (other work shares the machine)`,
    ],
  },
  width: 560,
  padding: { left: 5, top: 5, bottom: 5, right: 50 },
  data: { values: run.targets.map((t) => ({ ...t })) },
  encoding: {
    y: { field: "name", type: "nominal", sort: null, title: null, axis: { labelLimit: 320 } },
  },
  layer: [
    {
      mark: { type: "bar" },
      encoding: {
        x: { field: "rps", type: "quantitative", title: "requests/s" },
        color: { field: "group", type: "nominal", title: null, legend: { orient: "bottom" } },
      },
    },
    {
      mark: { type: "rule", color: "#333" },
      encoding: { x: { field: "rpsMin", type: "quantitative" }, x2: { field: "rpsMax" } },
    },
    {
      mark: { type: "text", align: "left", dx: 4, fontSize: 10 },
      encoding: {
        x: { field: "rpsMax", type: "quantitative" },
        text: { field: "rps", type: "quantitative", format: ",.0f" },
      },
    },
  ],
  config: { font: "sans-serif", background: "white", axis: { labelLimit: 400 } },
};

const view = new View(parse(compile(spec).spec), { renderer: "none" });
writeFileSync(output, await view.toSVG());
view.finalize();
