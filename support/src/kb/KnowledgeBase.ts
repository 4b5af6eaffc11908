import type { Knex } from "@syncwell/core";
import { ARTICLES, type Article } from "./articles.ts";

export interface Match extends Article {
  rank: number;
}

/**
 * Turns free text into an OR of English words for `to_tsquery`. Only [a-z0-9] words survive, and
 * the result is passed as a bound parameter, so user text never becomes SQL or query syntax.
 */
export function searchTerms(text: string): string {
  const words = (text.toLowerCase().match(/[a-z0-9]{3,32}/g) ?? []).filter((w) => !EVERYWHERE.has(w));
  return [...new Set(words)].slice(0, 40).join(" | ");
}

/** Words every article shares: they say nothing about which one fits. */
const EVERYWHERE = new Set(
  "sync syncs syncing synced syncwell workout workouts activity activities app strava garmin polar oura".split(" "),
);

/** Help articles in PostgreSQL, searched by full-text relevance (title weighs more). */
export class KnowledgeBase {
  constructor(private readonly deps: { db: Knex }) {}

  /** Inserts or updates the built-in articles. */
  async seed(articles: readonly Article[] = ARTICLES): Promise<void> {
    await this.deps.db("kb_articles").insert(articles).onConflict("slug").merge();
  }

  async search(text: string, limit = 3): Promise<Match[]> {
    const terms = searchTerms(text);
    if (!terms) return [];
    const { rows } = await this.deps.db.raw<{ rows: Array<Article & { rank: number }> }>(
      `select slug, title, body, ts_rank_cd(search, q, 1) as rank
         from kb_articles, to_tsquery('english', ?) q
        where search @@ q
        order by rank desc, slug
        limit ?`,
      [terms, limit],
    );
    return rows.map((r) => ({ ...r, rank: Number(r.rank) }));
  }

  async get(slug: string): Promise<Article | undefined> {
    return this.deps.db("kb_articles").select("slug", "title", "body").where({ slug }).first();
  }
}
