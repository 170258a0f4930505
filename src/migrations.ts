/**
 * The service's database schema: every module's migrations, in one ordered list that the kernel
 * (and `passerelle db migrate|status`) hands to the database opener. Storage runs migrations but
 * imports nothing from the domain modules; each module owns the steps of its own tables in its
 * `migrations.ts` and exports them from its index.
 *
 * Adding a module's tables: write `src/<module>/migrations.ts` with steps named after the last
 * released one (`0011_…`, `0012_…`) and register the module's list below, one line. Order is by
 * name ({@link orderMigrations}); the registration order only decides in which order the parts of
 * a released step that spans modules run (`0007_circles_adt`, `0010_ack_device_resends`).
 * Released names are recorded in existing databases (`passerelle_migrations`): never rename one.
 */
import { ADT_MIGRATIONS } from "./adt/index.ts";
import { AUDIT_MIGRATIONS } from "./audit/index.ts";
import { CIRCLES_MIGRATIONS } from "./circles/index.ts";
import { DIRECTORY_MIGRATIONS } from "./directory/index.ts";
import { DOCUMENT_MIGRATIONS } from "./documents/index.ts";
import type { Migration } from "./storage/index.ts";
import { orderMigrations } from "./storage/index.ts";
import { TRANSFERS_MIGRATIONS } from "./transfers/index.ts";

export const MIGRATIONS: readonly Migration[] = orderMigrations([
  DIRECTORY_MIGRATIONS,
  AUDIT_MIGRATIONS,
  TRANSFERS_MIGRATIONS,
  CIRCLES_MIGRATIONS,
  ADT_MIGRATIONS,
  DOCUMENT_MIGRATIONS,
]);
