/* SIGTERM and SIGUSR1 (what SLURM sends before a job's time limit): a flag a run reads after
   each step (run/checkpoint.c). */
#include "mhsys.h"
#include <errno.h>
#include <signal.h>

/* The file-scope mutables: all a signal handler may do is set a flag. The handlers nest: a sweep
   installs them around all its runs, so that a signal between two runs is not lost. */
static volatile sig_atomic_t mh_signal = 0;
static struct sigaction      mh_old_term, mh_old_usr1;
static int                   mh_signal_depth = 0;

static void MHSignalHandler(int sig)
{
  mh_signal = sig;
}

PetscErrorCode MHSignalsInstall(void)
{
  struct sigaction sa;

  PetscFunctionBeginUser;
  if (mh_signal_depth++) PetscFunctionReturn(0);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = MHSignalHandler;
  sa.sa_flags   = SA_RESTART; /* a system call (file I/O) interrupted by the signal goes on */
  sigemptyset(&sa.sa_mask);
  mh_signal = 0;
  PetscCheck(sigaction(SIGTERM, &sa, &mh_old_term) == 0 && sigaction(SIGUSR1, &sa, &mh_old_usr1) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "cannot install the signal handlers: %s", strerror(errno));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSignalsRestore(void)
{
  PetscFunctionBeginUser;
  if (--mh_signal_depth) PetscFunctionReturn(0);
  sigaction(SIGTERM, &mh_old_term, NULL);
  sigaction(SIGUSR1, &mh_old_usr1, NULL);
  PetscFunctionReturn(0);
}

/* The signal received since the handlers were installed (0: none). */
int MHSignalsPending(void)
{
  return (int)mh_signal;
}
