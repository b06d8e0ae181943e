/* Start-up, version, log events and the check that every option was read. */
#include "mhsys.h"
#include <yaml.h>
#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <sys/stat.h>

PetscLogEvent MH_EVENT_RHS, MH_EVENT_JAC, MH_EVENT_MG, MH_EVENT_OUTPUT, MH_EVENT_MONITOR;

PetscErrorCode MHLogEventsRegister(void)
{
  PetscClassId classid;

  PetscFunctionBeginUser;
  PetscCall(PetscClassIdRegister("microheal", &classid));
  PetscCall(PetscLogEventRegister("MHRHS", classid, &MH_EVENT_RHS));
  PetscCall(PetscLogEventRegister("MHJacobian", classid, &MH_EVENT_JAC));
  PetscCall(PetscLogEventRegister("MHCoarseOps", classid, &MH_EVENT_MG));
  PetscCall(PetscLogEventRegister("MHOutput", classid, &MH_EVENT_OUTPUT));
  PetscCall(PetscLogEventRegister("MHMonitor", classid, &MH_EVENT_MONITOR));
  PetscFunctionReturn(0);
}

/* The rank variables MPI launchers set: Open MPI's mpiexec, MPICH's / Intel's, PMIx, then srun's. */
static const char *const mh_launcher_vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"};

/* Whether an MPI launcher (not srun, whose output is a real terminal only with --pty) started
   this process, as its environment said before MPI started (Open MPI sets the same variables in
   a process started alone once MPI_Init has run). Open MPI's mpiexec gives every rank a
   pseudo-terminal whatever its own output is (a log file, a pipe), so a rank cannot tell a real
   terminal from one there. */
static PetscBool mh_launched = PETSC_FALSE;

PetscBool MHUnderLauncher(void)
{
  return mh_launched;
}

/* Whether this process is rank 0 of its job, before MPI starts (the launchers' variables). */
static int MHLaunchRank0(void)
{
  for (size_t i = 0; i < sizeof mh_launcher_vars / sizeof mh_launcher_vars[0]; i++)
    if (getenv(mh_launcher_vars[i])) return atoi(getenv(mh_launcher_vars[i])) == 0;
  return 1;
}

/* The options file path (YAML or text) and the files it includes, before PETSc reads them (PETSc
   3.18 recurses without end on a file that includes itself, and takes a folder for an empty
   file): each must be a readable regular file, and no file may include itself, directly or
   through others. A text file includes with "-options_file F" / "-options_file_yaml F", a YAML
   file with "$$name: !include F". stack: the chain of including files. */
static int MHOptionsFileScan(const char *option, const char *path, int yaml, const char *stack[], int depth, char *why, size_t len)
{
  struct stat st;
  char        real[PETSC_MAX_PATH_LEN], *text, *save = NULL;
  FILE       *fp;
  long        size;
  int         bad = 0;

  if (stat(path, &st)) {
    snprintf(why, len, "%s %s: %s", option, path, errno == ENOENT ? "no such file" : strerror(errno));
    return 1;
  }
  if (S_ISDIR(st.st_mode)) {
    snprintf(why, len, "%s %s: is a folder, not an options file", option, path);
    return 1;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(why, len, "%s %s: is not a regular file", option, path);
    return 1;
  }
  if (!realpath(path, real)) snprintf(real, sizeof real, "%s", path);
  for (int d = 0; d < depth; d++)
    if (!strcmp(stack[d], real)) {
      snprintf(why, len, "%s %s: includes itself (through %s); an options file may not include itself, directly or through others", option, path, depth > 1 ? stack[depth - 1] : "its own include line");
      return 1;
    }
  if (depth >= 16) {
    snprintf(why, len, "%s %s: options files nested more than 16 deep", option, path);
    return 1;
  }
  if (!(fp = fopen(path, "rb"))) {
    snprintf(why, len, "%s %s: cannot be read: %s", option, path, strerror(errno));
    return 1;
  }
  fseek(fp, 0, SEEK_END);
  size = ftell(fp);
  rewind(fp);
  if (size < 0 || !(text = malloc((size_t)size + 1))) {
    fclose(fp);
    snprintf(why, len, "%s %s: cannot be read", option, path);
    return 1;
  }
  text[fread(text, 1, (size_t)size, fp)] = 0;
  fclose(fp);
  if (!yaml) {
    size_t n = strlen(path);
    yaml     = (n > 5 && !strcasecmp(path + n - 5, ".yaml")) || (n > 4 && !strcasecmp(path + n - 4, ".yml"));
  }
  stack[depth] = strdup(real);
  for (char *line = strtok_r(text, "\n", &save); line && !bad; line = strtok_r(NULL, "\n", &save)) {
    char *hash = strchr(line, '#'), *tok, *tsave = NULL;
    if (yaml) {
      char *inc = strstr(line, "!include");
      if (!inc || strncmp(line + strspn(line, " \t"), "$$", 2)) continue;
      inc += 8;
      inc += strspn(inc, " \t\"'");
      inc[strcspn(inc, " \t\"'\r")] = 0;
      if (*inc) bad = MHOptionsFileScan("!include", inc, 1, stack, depth + 1, why, len);
      continue;
    }
    if (hash) *hash = 0;
    for (tok = strtok_r(line, " \t\r", &tsave); tok && !bad; tok = strtok_r(NULL, " \t\r", &tsave)) {
      int isyaml = !strcasecmp(tok, "-options_file_yaml"), istext = !strcasecmp(tok, "-options_file");
      if (!isyaml && !istext) continue;
      if (!(tok = strtok_r(NULL, " \t\r", &tsave))) break;
      bad = MHOptionsFileScan(isyaml ? "-options_file_yaml" : "-options_file", tok, isyaml, stack, depth + 1, why, len);
    }
  }
  free((void *)stack[depth]);
  free(text);
  return bad;
}

static PetscBool mh_version_asked = PETSC_FALSE, mh_help_asked = PETSC_FALSE;

/* Options whose values may start with '-' (sbatch directives such as --mem=8G, which PETSc would
   read as option names) and that add up when repeated: taken off the command line before PETSc
   reads it, their values joined by ';'. */
static const char *const mh_taken_names[] = {"-sweep_slurm_sbatch", NULL};
static char              mh_taken[1][2048];

const char *MHOptionsTaken(const char *name)
{
  for (int k = 0; mh_taken_names[k]; k++)
    if (!strcmp(name, mh_taken_names[k])) return mh_taken[k];
  return "";
}

/* Whether -help was on the command line (taken out before PETSc, which would print its banner
   and its own start-up options first; MHInitialize puts it back once PETSc has started, so that
   microheal's options come first and the solvers' follow). */
PetscBool MHHelpAsked(void)
{
  return mh_help_asked;
}

/* Whether -version was on the command line (taken out before PETSc, which would print its
   9-line banner for it). */
PetscBool MHVersionAsked(void)
{
  return mh_version_asked;
}

int MHStartUp(int *argc, char ***argv)
{
  for (int i = 1; i < *argc; i++) {
    int drop = 1;
    if (!strcmp((*argv)[i], "-help") && (i + 1 == *argc || (*argv)[i + 1][0] == '-' || !strcmp((*argv)[i + 1], "microheal"))) {
      mh_help_asked = PETSC_TRUE;
      if (i + 1 < *argc && !strcmp((*argv)[i + 1], "microheal")) drop = 2;
      for (int j = i; j + drop < *argc; j++)
        (*argv)[j] = (*argv)[j + drop];
      (*argc) -= drop, i--;
      continue;
    }
    if (strcmp((*argv)[i], "-version")) continue;
    mh_version_asked = PETSC_TRUE;
    for (int j = i; j + 1 < *argc; j++)
      (*argv)[j] = (*argv)[j + 1];
    (*argc)--, i--;
  }
  for (int i = 1; i + 1 < *argc; i++)
    for (int k = 0; mh_taken_names[k]; k++) {
      if (strcmp((*argv)[i], mh_taken_names[k])) continue;
      if (mh_taken[k][0]) MHStrlcat(mh_taken[k], ";", sizeof mh_taken[k]);
      MHStrlcat(mh_taken[k], (*argv)[i + 1], sizeof mh_taken[k]);
      for (int j = i; j + 2 < *argc; j++)
        (*argv)[j] = (*argv)[j + 2];
      (*argc) -= 2, i--;
      break;
    }
  MHOptionsArgsNote(*argc, *argv);
  for (int i = 1; i + 1 < *argc; i++) {
    const char *stack[16];
    char        why[2 * PETSC_MAX_PATH_LEN + 256];
    int         isyaml = !strcasecmp((*argv)[i], "-options_file_yaml"), istext = !strcasecmp((*argv)[i], "-options_file");
    if (!isyaml && !istext) continue;
    MHOptionsFileNote((*argv)[i + 1], isyaml);
    if (MHOptionsFileScan((*argv)[i], (*argv)[i + 1], isyaml, stack, 0, why, sizeof why)) {
      if (MHLaunchRank0()) fprintf(stderr, "microheal: error: %s\n", why);
      return PETSC_ERR_FILE_OPEN; /* before PETSc: no error handler to call */
    }
  }
  /* MPI-IO through ROMIO, not Open MPI's OMPIO: OMPIO's shared-file-pointer component "sm" guards
     every MPI_File_open with a POSIX semaphore named after the file's base name
     (/dev/shm/sem.OMPIO_<name>), shared by every run on a file of that base name: one left
     locked (a run killed inside MPI_File_open) hangs every later run on that name in sem_wait.
     Its other components leave lock files beside the output. ROMIO touches nothing but the file.
     Set here, before MPI starts, so that every mpiexec and batch script gets it; a user's own
     OMPI_MCA_io wins. Other MPI implementations ignore the variable. */
  setenv("OMPI_MCA_io", "^ompio", 0);
  for (size_t i = 0; i < sizeof mh_launcher_vars / sizeof mh_launcher_vars[0] - 1; i++) /* all but srun's */
    if (getenv(mh_launcher_vars[i])) mh_launched = PETSC_TRUE;
  return 0;
}

PetscErrorCode MHPrintVersion(MPI_Comm comm)
{
  char petsc[256];

  PetscFunctionBeginUser;
  PetscCall(PetscGetVersion(petsc, sizeof petsc));
  for (size_t n = strlen(petsc); n && (petsc[n - 1] == ' ' || petsc[n - 1] == '\n'); n--)
    petsc[n - 1] = 0;
  PetscCall(PetscPrintf(comm, "microheal %s (git %s), built on %s\n", MH_VERSION, MH_GIT_REVISION, petsc));
  PetscFunctionReturn(0);
}

/* Where the YAML file path stops parsing, as "line L, column C: problem" in buf; empty when it
   parses (or cannot be read). */
static void MHYAMLProblem(const char *path, char *buf, size_t len)
{
  FILE           *fp = fopen(path, "rb");
  yaml_parser_t   parser;
  yaml_document_t doc;
  int             more = 1;

  buf[0] = 0;
  if (!fp) return;
  if (yaml_parser_initialize(&parser)) {
    yaml_parser_set_input_file(&parser, fp);
    while (more) {
      if (!yaml_parser_load(&parser, &doc)) {
        snprintf(buf, len, "line %lu, column %lu: %s%s%s", (unsigned long)parser.problem_mark.line + 1, (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "not valid YAML", parser.context ? " " : "", parser.context ? parser.context : "");
        break;
      }
      more = yaml_document_get_root_node(&doc) != NULL;
      yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
  }
  fclose(fp);
}

/* The option whose value (or one of whose comma-separated values) is value, from the options
   database; NULL when none is. Returns a string to free with PetscFree. */
static char *MHOptionWithValue(const char *value)
{
  char *all = NULL, *prev = NULL, *found = NULL, *save = NULL;

  if (PetscOptionsGetAll(NULL, &all) || !all) return NULL;
  for (char *tok = strtok_r(all, " ", &save); tok && !found; prev = tok, tok = strtok_r(NULL, " ", &save)) {
    char *v = tok;
    while (prev && prev[0] == '-' && v && !found) {
      size_t n = strcspn(v, ",");
      if (n == strlen(value) && !strncmp(v, value, n)) found = prev;
      v = v[n] ? v + n + 1 : NULL;
    }
  }
  if (found && PetscStrallocpy(found, &found)) found = NULL;
  PetscFree(all);
  return found;
}

/* The error handler's context (file scope: a handler has no other way to reach it): a prefix
   naming what was being done (a sweep point), and the last user-error message, which a sweep
   records in its manifest. */
static char     mh_error_prefix[512], mh_error_last[1024];
static MPI_Comm mh_error_comm = MPI_COMM_NULL; /* whose rank 0 speaks for errors on PETSC_COMM_SELF */

static char mh_io_path[PETSC_MAX_PATH_LEN]; /* the file being written, for a message on failure */
static int  mh_error_told;                  /* the one line is out: what follows is the way out */
static int  mh_error_io;                    /* an HDF5 file write failed */

int MHErrorIOFailed(void)
{
  return mh_error_io;
}

void MHErrorIOSet(const char *path)
{
  snprintf(mh_io_path, sizeof mh_io_path, "%s", path ? path : "");
}

void MHErrorContextSet(const char *prefix, MPI_Comm comm)
{
  snprintf(mh_error_prefix, sizeof mh_error_prefix, "%s", prefix ? prefix : "");
  if (prefix) mh_error_last[0] = 0; /* a new context; leaving one keeps its last message */
  mh_error_told = 0;
  mh_error_comm = comm;
}

const char *MHErrorLast(void)
{
  return mh_error_last;
}

/* The one error line (rank 0 prints it); the message is kept for MHErrorLast. */
static void MHErrorPrint(int print, const char *fmt, ...)
{
  va_list ap;

  mh_error_told = 1;
  va_start(ap, fmt);
  vsnprintf(mh_error_last, sizeof mh_error_last, fmt, ap);
  va_end(ap);
  if (print) fprintf(stderr, "microheal: error: %s%s%s\n", mh_error_prefix, mh_error_prefix[0] ? ": " : "", mh_error_last);
}

/* User mistakes (bad options, values, files) end the run with one line naming the problem;
   everything else gets PETSc's full traceback. ctx: the command line (argv), for the names of
   the options files. */
static PetscErrorCode MHErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  char      **argv = (char **)ctx;
  PetscMPIInt rank = 0;
  int         mpi  = 0;
  /* PETSc 3.18 reports a malformed YAML options file as an external-library error, and raises
     it again without a message on its way out of PetscInitialize() */
  PetscBool yaml    = (PetscBool)(n == PETSC_ERR_LIB && file && strstr(file, "optionsyaml.c"));
  PetscBool reraise = (PetscBool)(n == PETSC_ERR_LIB && (!mess || !mess[strspn(mess, " ")]));
  PetscBool user    = (PetscBool)(yaml || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_WRONG || n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_ARG_UNKNOWN_TYPE || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_ARG_SIZ || n == PETSC_ERR_ARG_INCOMP || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_UNEXPECTED);

  PetscBool toomany = (PetscBool)(n == PETSC_ERR_MEM && mess && strstr(mess, "max number of options"));
  /* PETSc 3.18's PetscMallocAlign passes its caller's line as the error code (a wrong argument
     list in its PetscCheck): a failed allocation is known by the function that raises it */
  PetscBool memory = (PetscBool)((n == PETSC_ERR_MEM && !toomany) || (fun && !strcmp(fun, "PetscMallocAlign")) || (file && strstr(file, "sys/memory/mal.c")));
  PetscBool hdf5   = (PetscBool)((n == PETSC_ERR_LIB || n == PETSC_ERR_FILE_WRITE) && mess && strstr(mess, "HDF5"));

  if (reraise && !hdf5) return n;                          /* reported when first raised */
  if (p != PETSC_ERROR_INITIAL && mh_error_told) return n; /* on its way out */
  if (!user && !toomany && !memory && !hdf5 && n != PETSC_ERR_FILE_WRITE) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p != PETSC_ERROR_INITIAL) return n;
  MPI_Initialized(&mpi);
  if (mpi) MPI_Comm_rank(comm == MPI_COMM_NULL || comm == PETSC_COMM_SELF ? (mh_error_comm != MPI_COMM_NULL ? mh_error_comm : MPI_COMM_WORLD) : comm, &rank);
  if (toomany) {
    MHErrorPrint(!rank, "too many options: PETSc 3.18 holds at most 512, from the command line and every options file together; remove options that repeat their defaults");
    return n;
  }
  if (memory) { /* any rank may be the one: each says it, once */
    MHErrorPrint(1, "out of memory: use a coarser grid, or more ranks on more nodes (microheal -help names the grid options)");
    return n;
  }
  if (hdf5 || n == PETSC_ERR_FILE_WRITE) {
    mh_error_io      = 1;
    const char *what = mh_io_path[0] ? mh_io_path : "an HDF5 file";
    double      free = mh_io_path[0] ? MHFreeBytes(mh_io_path) : -1;
    char        left[32];
    if (free >= 0 && free < 1e6) {
      MHBytesText(free, left, sizeof left);
      MHErrorPrint(!rank, "cannot write %s: its disk is full (%s free); free space, or write elsewhere", what, left);
    } else if (hdf5)
      MHErrorPrint(!rank, "cannot write or read %s: an HDF5 call failed (%s)", what, mess);
    else
      MHErrorPrint(!rank, "%s", mess ? mess : "a write failed");
    return n;
  }
  /* option parsing fails the same way on every rank, on PETSC_COMM_SELF: rank 0 speaks */
  if (yaml) {
    char where[512];
    for (int i = 1; argv && argv[i] && argv[i + 1]; i++) {
      if (strcmp(argv[i], "-options_file") && strcmp(argv[i], "-options_file_yaml")) continue;
      MHYAMLProblem(argv[i + 1], where, sizeof where);
      if (where[0]) {
        MHErrorPrint(!rank, "%s %s: not valid YAML at %s", argv[i], argv[i + 1], where);
        return n;
      }
    }
    MHErrorPrint(!rank, "an options file is not valid YAML (%s)", mess ? mess : "");
    return n;
  }
  if (mess && !strncmp(mess, "Input string ", 13)) { /* PETSc's number parsing does not name the option */
    char   value[256], *opt;
    size_t k = strcspn(mess + 13, " ");
    snprintf(value, sizeof value, "%.*s", (int)k, mess + 13);
    opt = MHOptionWithValue(value);
    if (opt) {
      MHErrorPrint(!rank, "%s %s: not a number of the kind expected (%s)", opt, value, mess);
      PetscFree(opt);
      return n;
    }
  }
  MHErrorPrint(!rank, "%s", mess ? mess : "(no message)");
  return n;
}

/* argv: the command line (for the names of options files); may be pushed before
   PetscInitialize, so that a missing or malformed options file also ends with one line. */
PetscErrorCode MHPushErrorHandler(char **argv)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(MHErrorHandler, argv));
  PetscFunctionReturn(0);
}

/* An option with a fixed set of choices (list, n of them), checked before PETSc's EList/Enum
   readers see it: in PETSc 3.18 an unknown choice there gives a traceback on every rank, and
   overflows a heap buffer for some lists (PetscOptionsGetEList sizes its message too short). */
PetscErrorCode MHOptionsCheckChoice(MPI_Comm comm, const char opt[], const char *const list[], PetscInt n)
{
  char      value[256], choices[512] = "";
  PetscBool set, found               = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, opt, value, sizeof value, &set));
  if (!set) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < n; i++) {
    PetscBool eq;
    PetscCall(PetscStrcasecmp(value, list[i], &eq));
    found = (PetscBool)(found || eq);
    MHStrlcat(choices, i ? ", " : "", sizeof choices);
    MHStrlcat(choices, list[i], sizeof choices);
  }
  PetscCheck(found, comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "%s %s: unknown choice; allowed: %s", opt, value, choices);
  PetscFunctionReturn(0);
}
