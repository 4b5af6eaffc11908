import type { Migration } from "@syncwell/core";

/** The support schema. Ids are generated here, never taken from callers or the LLM. */
export const SUPPORT_MIGRATIONS: readonly Migration[] = [
  {
    name: "001_tickets_and_audit",
    async up(knex) {
      await knex.schema.createTable("tickets", (t) => {
        t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
        t.string("origin", 16).notNullable(); // dlq | troubleshooter
        t.string("job_id", 128).unique(); // one ticket per dead-lettered job
        t.string("user_id", 128).notNullable().index();
        t.string("sync_config_id", 128);
        t.string("source_provider", 16);
        t.string("destination_provider", 16);
        t.string("category", 16).notNullable();
        t.text("error_message");
        t.text("summary");
        t.timestamp("first_failure_at", { useTz: true }).notNullable();
        t.timestamp("contact_deadline", { useTz: true }).notNullable();
        t.timestamp("resolved_at", { useTz: true });
        t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      });
      await knex.schema.createTable("audit_log", (t) => {
        t.bigIncrements("id");
        t.string("actor", 128).notNullable();
        t.string("action", 32).notNullable();
        t.string("target", 256).notNullable();
        t.jsonb("details").notNullable().defaultTo("{}");
        t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      });
      // A DLQ message is re-driven at most once, whoever asks and however often.
      await knex.schema.createTable("redrives", (t) => {
        t.string("dlq_message_id", 128).primary();
        t.string("job_id", 128);
        t.string("actor", 128).notNullable();
        t.string("state", 16).notNullable(); // sending | sent
        t.timestamp("at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      });
    },
    async down(knex) {
      await knex.schema.dropTable("redrives");
      await knex.schema.dropTable("audit_log");
      await knex.schema.dropTable("tickets");
    },
  },
  {
    name: "002_knowledge_base_and_conversations",
    async up(knex) {
      await knex.schema.createTable("kb_articles", (t) => {
        t.string("slug", 64).primary();
        t.string("title", 200).notNullable();
        t.text("body").notNullable();
      });
      // Relevance search: title weighs more than body.
      await knex.raw(`alter table kb_articles add column search tsvector generated always as
        (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) stored`);
      await knex.raw("create index kb_articles_search on kb_articles using gin (search)");
      await knex.schema.createTable("conversations", (t) => {
        t.uuid("id").primary().defaultTo(knex.raw("gen_random_uuid()"));
        t.string("user_id", 128).notNullable().index();
        t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
      });
    },
    async down(knex) {
      await knex.schema.dropTable("conversations");
      await knex.schema.dropTable("kb_articles");
    },
  },
];
