#!/usr/bin/env node
// Counts the project graph's edges (issue 12: "nx graph shows the same or fewer edges"), as Nx
// counts them (static and implicit; spec files included), and once more like for like with the
// graph before issue 12: libs/kafka-core and libs/kafka counted as the one libs/kafka they were
// split from, and without the projects that exist for an artifact an issue asked for (the console
// of issue 11, the event-contract generator of issue 12).
//   NX_DAEMON=false npx nx graph --file=/tmp/graph.json && node tools/scripts/graph-edges.js /tmp/graph.json
const { readFileSync } = require('node:fs');

const FOLDED = { 'kafka-core': 'kafka' };
const ARTIFACT_PROJECTS = new Set(['console', 'contract']);

const graph = JSON.parse(readFileSync(process.argv[2] ?? '/tmp/graph.json', 'utf8')).graph;
const edges = Object.entries(graph.dependencies).flatMap(([from, deps]) => deps.map((dep) => [from, dep.target]));
const fold = (project) => FOLDED[project] ?? project;
const likeForLike = new Set(
  edges
    .filter(([from, to]) => !ARTIFACT_PROJECTS.has(from) && !ARTIFACT_PROJECTS.has(to))
    .map(([from, to]) => [fold(from), fold(to)])
    .filter(([from, to]) => from !== to)
    .map(([from, to]) => `${from} -> ${to}`),
);
const projects = Object.keys(graph.nodes);
const likeProjects = new Set(projects.filter((p) => !ARTIFACT_PROJECTS.has(p)).map(fold));
console.log(`as Nx counts: ${projects.length} projects, ${edges.length} edges`);
console.log(`like for like: ${likeProjects.size} projects, ${likeForLike.size} edges`);
if (process.argv.includes('--list')) for (const edge of [...likeForLike].sort()) console.log(`  ${edge}`);
