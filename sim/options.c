/* Start-up, version, log events and the check that every option was read. */
#include "mhimpl.h"

PetscLogEvent MH_EVENT_RHS, MH_EVENT_JAC, MH_EVENT_OUTPUT, MH_EVENT_MONITOR;

PetscErrorCode MHLogEventsRegister(void)
{
  PetscClassId classid;

  PetscFunctionBeginUser;
  PetscCall(PetscClassIdRegister("microheal", &classid));
  PetscCall(PetscLogEventRegister("MHRHS", classid, &MH_EVENT_RHS));
  PetscCall(PetscLogEventRegister("MHJacobian", classid, &MH_EVENT_JAC));
  PetscCall(PetscLogEventRegister("MHOutput", classid, &MH_EVENT_OUTPUT));
  PetscCall(PetscLogEventRegister("MHMonitor", classid, &MH_EVENT_MONITOR));
  PetscFunctionReturn(0);
}

/* PetscInitialize, then the model registry and log events. */
PetscErrorCode MHInitialize(int *argc, char ***argv, const char help[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(argc, argv, NULL, help));
  PetscCall(MHModelRegisterAll());
  PetscCall(MHLogEventsRegister());
  PetscFunctionReturn(0);
}

PetscErrorCode MHPrintVersion(MPI_Comm comm)
{
  char petsc[256];

  PetscFunctionBeginUser;
  PetscCall(PetscGetVersion(petsc, sizeof petsc));
  PetscCall(PetscPrintf(comm, "microheal %s (git %s), built on %s\n", MH_VERSION, MH_GIT_REVISION, petsc));
  PetscFunctionReturn(0);
}

/* A typo in a config file must never pass silently: every option set but never read is an error. */
PetscErrorCode MHOptionsCheckUnused(MPI_Comm comm)
{
  PetscInt n;
  char   **names, **values;
  char     list[2048] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n; i++) {
    MHStrlcat(list, i ? ", -" : "-", sizeof list);
    MHStrlcat(list, names[i], sizeof list);
    if (values[i]) {
      MHStrlcat(list, " ", sizeof list);
      MHStrlcat(list, values[i], sizeof list);
    }
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!list[0], comm, PETSC_ERR_ARG_WRONG, "unknown option%s (nothing reads %s): %s. See -help for the options of this model and solver.", n > 1 ? "s" : "", n > 1 ? "them" : "it", list);
  PetscFunctionReturn(0);
}

/* User mistakes (bad options, values, files) end the run with one line naming the problem;
   everything else gets PETSc's full traceback. */
static PetscErrorCode MHErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PetscMPIInt rank = 0;
  PetscBool   user = (PetscBool)(n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_ARG_WRONG || n == PETSC_ERR_USER_INPUT || n == PETSC_ERR_ARG_UNKNOWN_TYPE || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_ARG_SIZ || n == PETSC_ERR_ARG_INCOMP || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_UNEXPECTED);

  if (!user) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p == PETSC_ERROR_INITIAL) {
    if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
    if (!rank) fprintf(stderr, "microheal: error: %s\n", mess ? mess : "(no message)");
  }
  return n;
}

PetscErrorCode MHPushErrorHandler(void)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(MHErrorHandler, NULL));
  PetscFunctionReturn(0);
}
