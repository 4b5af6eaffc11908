export * from "./playbook.ts";
