// Reads a field the records do not have: tsc --strict must refuse it (TS2339).
import { status } from "vodspec";

export const retries: number = status(404).retry_count;
