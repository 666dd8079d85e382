// A TypeScript user of the package: must type-check under tsc --strict.
import { dataVersion, error, getStatus, status, statuses, type Status } from "vodspec";

const reason: string | null = status(404).reason;
const maybe: Status | undefined = getStatus("not found");
const codes: number[] = statuses().map((record) => record.code);
const statusesOfCode: (number | null)[] = error("VOD.10053").map((record) => record.http_status);
const version: string = dataVersion;
export { codes, maybe, reason, statusesOfCode, version };
const firstParagraph: string | undefined = status(404).paragraphs[0];
export { firstParagraph };
