import { batchStoreContract } from "./batchStore.contract.ts";
import { InMemoryBatchStore } from "./InMemoryBatchStore.ts";

batchStoreContract("in-memory fake", async () => ({ store: new InMemoryBatchStore(), stop: async () => {} }));
