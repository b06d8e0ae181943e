/* Unknown options: a typo in a config file must never pass silently. Every option set but never
   read is an error naming where it was given (the options file and its line, or the command
   line) and, where a known option is close, what was probably meant.

   The check runs twice. Before anything is written (MHOptionsCheckUnused(..., early = true)),
   every option but those of PETSc's solver objects, which are read only when the solver is set
   up (MHOptionIsLate), must have been read. After the first step, when every solver option has
   been read too, all must have been. */
#include "mhsys.h"
#include <ctype.h>
#include <yaml.h>

#define MH_MAX_OPTION_FILES 16

/* The options files of the command line, noted at start-up (before PETSc reads them). */
static struct {
  char path[PETSC_MAX_PATH_LEN];
  int  yaml;
} mh_option_files[MH_MAX_OPTION_FILES];
static int    mh_noption_files;
static int    mh_argc;
static char **mh_argv;

void MHOptionsFileNote(const char *path, int yaml)
{
  size_t n = strlen(path);
  if (mh_noption_files >= MH_MAX_OPTION_FILES) return;
  if (!yaml) yaml = (n > 5 && !strcasecmp(path + n - 5, ".yaml")) || (n > 4 && !strcasecmp(path + n - 4, ".yml"));
  snprintf(mh_option_files[mh_noption_files].path, sizeof mh_option_files[0].path, "%s", path);
  mh_option_files[mh_noption_files++].yaml = yaml;
}

void MHOptionsArgsNote(int argc, char **argv)
{
  mh_argc = argc;
  mh_argv = argv;
}

/* Options that the framework reads only after set-up (solvers, viewers, PETSc itself). */
static const char *const MHLateOptionPrefixes[] = {"ts_", "snes_", "ksp_", "pc_", "mg_", "sub_", "fieldsplit_", "mat_", "vec_", "dm_", "da_", "log", "malloc", "options_", "info", "viewer_", "mpi_", "fp_trap", "on_error", "check_pointer", "memory_view", "objects_dump", "no_signal", NULL};

PetscBool MHOptionIsLate(const char *name)
{
  for (PetscInt i = 0; MHLateOptionPrefixes[i]; i++)
    if (!strncasecmp(name, MHLateOptionPrefixes[i], strlen(MHLateOptionPrefixes[i]))) return PETSC_TRUE;
  return PETSC_FALSE;
}

/* Edit distance (insertions, deletions, substitutions, transpositions of neighbours), ignoring case. */
static int MHEditDistance(const char *a, const char *b)
{
  int la = (int)strlen(a), lb = (int)strlen(b), d[3][129];

  if (la > 128 || lb > 128) return 1 << 20;
  for (int j = 0; j <= lb; j++)
    d[0][j] = j;
  for (int i = 1; i <= la; i++) {
    int *cur = d[i % 3], *prev = d[(i + 2) % 3], *prev2 = d[(i + 1) % 3];
    cur[0] = i;
    for (int j = 1; j <= lb; j++) {
      int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]), v = prev[j - 1] + cost;
      if (prev[j] + 1 < v) v = prev[j] + 1;
      if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
      if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) && tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && prev2[j - 2] + 1 < v) v = prev2[j - 2] + 1;
      cur[j] = v;
    }
  }
  return d[la % 3][lb];
}

/* The known option closest to name, if close enough to be a typo ("" else). A name that is a
   known one without its model prefix (a model option given at the top level) is matched too. */
static void MHNearest(const char *name, PetscInt n, const char *const known[], char *buf, size_t len)
{
  int best = 1 << 20, limit = (int)strlen(name) / 5 > 2 ? (int)strlen(name) / 5 : 2;

  buf[0] = 0;
  for (PetscInt i = 0; i < n; i++) {
    size_t lk = strlen(known[i]), ln = strlen(name);
    int    d = MHEditDistance(name, known[i]);
    if (lk > ln + 1 && known[i][lk - ln - 1] == '_' && !strcasecmp(known[i] + lk - ln, name)) d = 0;
    if (d < best && d <= limit) {
      best = d;
      snprintf(buf, len, "%s", known[i]);
    }
  }
}

/* The line of the key path "a_b_c" in a YAML file (nested keys join with '_'), 0 if absent. */
static int MHYAMLLine(const char *path, const char *name)
{
  FILE         *fp = fopen(path, "rb");
  yaml_parser_t parser;
  yaml_event_t  ev;
  char          prefix[16][256], key[256] = "";
  int           depth = -1, want_key[16], line = 0, found = 0, skip = 0, key_line = 0, done = 0;

  if (!fp) return 0;
  if (!yaml_parser_initialize(&parser)) {
    fclose(fp);
    return 0;
  }
  yaml_parser_set_input_file(&parser, fp);
  while (!done && !found && yaml_parser_parse(&parser, &ev)) {
    char full[512];
    switch (ev.type) {
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    case YAML_MAPPING_START_EVENT:
      if (skip) {
        skip++;
        break;
      }
      if (depth + 1 < 16) {
        depth++;
        char joined[512] = "";
        if (depth > 0) snprintf(joined, sizeof joined, "%s%s%s", prefix[depth - 1], prefix[depth - 1][0] ? "_" : "", key);
        snprintf(prefix[depth], sizeof prefix[depth], "%s", joined);
        want_key[depth] = 1;
      }
      break;
    case YAML_MAPPING_END_EVENT:
      if (skip) {
        skip--;
        break;
      }
      if (depth >= 0) depth--;
      if (depth >= 0) want_key[depth] = 1;
      break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_SCALAR_EVENT:
      if (skip) {
        if (ev.type == YAML_SEQUENCE_START_EVENT) skip++;
        break;
      }
      if (depth < 0) break;
      if (ev.type == YAML_SCALAR_EVENT && want_key[depth]) {
        snprintf(key, sizeof key, "%s", (const char *)ev.data.scalar.value);
        key_line        = (int)ev.start_mark.line + 1;
        want_key[depth] = 0;
        break;
      }
      snprintf(full, sizeof full, "%s%s%s", prefix[depth], prefix[depth][0] ? "_" : "", key);
      if (!strcasecmp(full, name)) {
        found = 1;
        line  = key_line;
      }
      if (ev.type == YAML_SEQUENCE_START_EVENT) skip = 1;
      want_key[depth] = 1;
      break;
    case YAML_SEQUENCE_END_EVENT:
      if (skip) skip--;
      if (!skip && depth >= 0) want_key[depth] = 1;
      break;
    default:
      break;
    }
    yaml_event_delete(&ev);
  }
  yaml_parser_delete(&parser);
  fclose(fp);
  return line;
}

/* The line of "-name" in a text options file, 0 if absent. */
static int MHTextLine(const char *path, const char *name)
{
  FILE *fp = fopen(path, "r");
  char  text[4096];
  int   n = 0;

  if (!fp) return 0;
  while (fgets(text, sizeof text, fp)) {
    char *save = NULL, *hash = strchr(text, '#');
    n++;
    if (hash) *hash = 0;
    for (char *tok = strtok_r(text, " \t\r\n", &save); tok; tok = strtok_r(NULL, " \t\r\n", &save))
      if (tok[0] == '-' && !strcasecmp(tok + 1, name)) {
        fclose(fp);
        return n;
      }
  }
  fclose(fp);
  return 0;
}

/* Where option name (no dash) was given: "on the command line", "in FILE, line N", or "" when
   it is found in neither (an included file, or the environment). The command line wins, as in
   PETSc. */
static void MHOptionWhere(const char *name, char *buf, size_t len)
{
  buf[0] = 0;
  for (int i = 1; i < mh_argc; i++)
    if (mh_argv[i] && mh_argv[i][0] == '-' && !strcasecmp(mh_argv[i] + 1, name)) {
      snprintf(buf, len, "on the command line");
      return;
    }
  for (int f = mh_noption_files - 1; f >= 0; f--) {
    int line = mh_option_files[f].yaml ? MHYAMLLine(mh_option_files[f].path, name) : MHTextLine(mh_option_files[f].path, name);
    if (line) {
      snprintf(buf, len, "in %s, line %d", mh_option_files[f].path, line);
      return;
    }
  }
}

PetscErrorCode MHOptionsCheckUnused(MPI_Comm comm, PetscBool early, PetscInt nknown, const char *const known[])
{
  static const char *late[] = {"-options_left", "-options_view"};
  PetscInt           n, nbad = 0;
  char             **names, **values;
  char               list[4096] = "";

  PetscFunctionBeginUser;
  /* PETSc's own options that only PetscFinalize reads: known, not typos */
  for (size_t i = 0; i < sizeof late / sizeof late[0]; i++) {
    PetscBool has;
    PetscCall(PetscOptionsHasName(NULL, NULL, late[i], &has));
  }
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    char where[PETSC_MAX_PATH_LEN + 64], near[256], item[PETSC_MAX_PATH_LEN + 512];
    if (early && MHOptionIsLate(names[i])) continue;
    MHOptionWhere(names[i], where, sizeof where);
    MHNearest(names[i], nknown, known, near, sizeof near);
    snprintf(item, sizeof item, "%s-%s%s%s%s%s%s%s%s", nbad ? "; " : "", names[i], values[i] ? " " : "", values[i] ? values[i] : "", where[0] ? " (" : "", where, where[0] ? ")" : "", near[0] ? ", did you mean -" : "", near);
    if (near[0]) MHStrlcat(item, "?", sizeof item);
    MHStrlcat(list, item, sizeof list);
    nbad++;
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!nbad, comm, PETSC_ERR_ARG_WRONG, "unknown option%s (nothing reads %s): %s. See -help for the options of this model and solver.", nbad > 1 ? "s" : "", nbad > 1 ? "them" : "it", list);
  PetscFunctionReturn(0);
}
