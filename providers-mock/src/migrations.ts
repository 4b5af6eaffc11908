import type { Knex, Migration } from "@syncwell/core";

/** The partners' own data; every table is keyed by provider, as each partner is its own world. */
export const migrations: readonly Migration[] = [
  {
    name: "001_partner_data",
    async up(knex: Knex) {
      await knex.raw("create sequence if not exists native_ids start with 1000000001");
      await knex.schema.createTable("partner_users", (t) => {
        t.string("provider", 16).notNullable();
        t.string("partner_user_id", 64).notNullable();
        t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.primary(["provider", "partner_user_id"]);
      });
      await knex.schema.createTable("oauth_codes", (t) => {
        t.string("code", 64).primary();
        t.string("provider", 16).notNullable();
        t.string("partner_user_id", 64).notNullable();
        t.timestamp("expires_at", { useTz: true }).notNullable();
        t.timestamp("used_at", { useTz: true });
      });
      await knex.schema.createTable("oauth_tokens", (t) => {
        t.string("access_token", 64).primary();
        t.string("refresh_token", 64).notNullable().unique();
        t.string("provider", 16).notNullable();
        t.string("partner_user_id", 64).notNullable();
        t.timestamp("access_expires_at", { useTz: true }).notNullable();
        t.boolean("refresh_valid").notNullable().defaultTo(true);
        t.timestamp("created_at", { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.index(["provider", "partner_user_id"]);
      });
      await knex.schema.createTable("activities", (t) => {
        t.bigIncrements("pk");
        t.string("provider", 16).notNullable();
        t.string("partner_user_id", 64).notNullable();
        t.string("native_id", 64).notNullable();
        t.string("external_id", 255);
        t.string("name", 255).notNullable();
        t.string("type", 16).notNullable();
        t.timestamp("start_time", { useTz: true }).notNullable();
        t.timestamp("end_time", { useTz: true }).notNullable();
        t.integer("utc_offset_seconds").notNullable().defaultTo(0);
        t.timestamp("updated_at", { useTz: true }).notNullable();
        t.timestamp("visible_at", { useTz: true }).notNullable();
        t.jsonb("samples").notNullable().defaultTo("[]");
        t.boolean("delivered").notNullable().defaultTo(false);
        t.unique(["provider", "native_id"]);
        t.index(["provider", "partner_user_id", "start_time"]);
        t.index(["provider", "partner_user_id", "updated_at"]);
      });
      await knex.schema.createTable("uploads", (t) => {
        t.bigIncrements("id");
        t.string("provider", 16).notNullable();
        t.string("partner_user_id", 64).notNullable();
        t.string("external_id", 255);
        t.string("activity_native_id", 64);
        t.string("error", 512);
        t.timestamp("ready_at", { useTz: true }).notNullable();
      });
      await knex.schema.createTable("polar_transactions", (t) => {
        t.bigIncrements("id");
        t.string("partner_user_id", 64).notNullable();
        t.jsonb("activity_pks").notNullable();
        t.timestamp("committed_at", { useTz: true });
        t.timestamp("expires_at", { useTz: true }).notNullable();
      });
    },
    async down(knex: Knex) {
      for (const table of ["polar_transactions", "uploads", "activities", "oauth_tokens", "oauth_codes", "partner_users"]) {
        await knex.schema.dropTableIfExists(table);
      }
      await knex.raw("drop sequence if exists native_ids");
    },
  },
  {
    // Issue #14: activities carry their privacy; an OAuth grant carries the scope the user accepted
    // (Strava: `read,activity:read_all,activity:write`), which decides what the app may see.
    name: "002_privacy_and_scopes",
    async up(knex: Knex) {
      await knex.schema.alterTable("activities", (t) => {
        t.boolean("private").notNullable().defaultTo(false);
      });
      for (const table of ["oauth_codes", "oauth_tokens"]) {
        await knex.schema.alterTable(table, (t) => {
          t.string("scope", 255);
        });
      }
    },
    async down(knex: Knex) {
      for (const table of ["oauth_codes", "oauth_tokens"]) await knex.schema.alterTable(table, (t) => t.dropColumn("scope"));
      await knex.schema.alterTable("activities", (t) => t.dropColumn("private"));
    },
  },
  {
    // Issue #15: the partners keep sleep sessions, daily totals and body measurements beside
    // workouts, each in its own endpoints; one table holds them all, told apart by `kind`, with what
    // a record of that kind says in `data` (stages, totals, a measurement).
    name: "003_health_records",
    async up(knex: Knex) {
      await knex.schema.alterTable("activities", (t) => {
        t.string("kind", 32).notNullable().defaultTo("workout");
        t.jsonb("data");
        t.index(["provider", "partner_user_id", "kind"]);
      });
    },
    async down(knex: Knex) {
      await knex.schema.alterTable("activities", (t) => {
        t.dropIndex(["provider", "partner_user_id", "kind"]);
        t.dropColumn("data");
        t.dropColumn("kind");
      });
    },
  },
];
