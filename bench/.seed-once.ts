import { ensureBenchDatabase } from "/work/main/bench/lib";
const h = await ensureBenchDatabase();
await h.close();
