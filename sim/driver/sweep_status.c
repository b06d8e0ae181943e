/* Parameter sweeps: each point's status file (<dir>/runs/p0007.status, "key value" lines: status
   running|done|failed|stopped, signature, checkpoint, message, wall_s), written through a
   temporary file and a rename so a killed sweep leaves every status readable, and what a point
   still needs (sweep.c describes the whole). */
#include "mhdriver.h"
#include <unistd.h>

void MHStatusRead(const MHSweepCtx *c, PetscInt p, MHPointStatus *st)
{
  char  path[PETSC_MAX_PATH_LEN], line[2048];
  FILE *fp;

  memset(st, 0, sizeof *st);
  MHPointPath(c, p, ".status", path, sizeof path);
  if (!(fp = fopen(path, "r"))) return;
  while (fgets(line, sizeof line, fp)) {
    char *v = strchr(line, ' ');
    if (!v) continue;
    *v++                = 0;
    v[strcspn(v, "\n")] = 0;
    if (!strcmp(line, "status"))
      snprintf(st->status, sizeof st->status, "%s", v);
    else if (!strcmp(line, "signature"))
      st->signature = strtoull(v, NULL, 16);
    else if (!strcmp(line, "checkpoint"))
      snprintf(st->checkpoint, sizeof st->checkpoint, "%s", v);
    else if (!strcmp(line, "message"))
      snprintf(st->message, sizeof st->message, "%s", v);
    else if (!strcmp(line, "wall_s"))
      st->wall = strtod(v, NULL);
  }
  fclose(fp);
}

/* A new file beside path under a hidden temporary name (never through a link: files.c). */
FILE *MHOpenTmp(const char *path, char *tmp, size_t len)
{
  char why[2 * PETSC_MAX_PATH_LEN];

  return MHFileCreate(path, tmp, len, why, sizeof why);
}

PetscErrorCode MHCloseTmp(FILE *fp, const char *tmp, const char *path)
{
  char why[2 * PETSC_MAX_PATH_LEN] = "cannot create a file beside it";

  PetscFunctionBeginUser;
  PetscCheck(fp && !MHFileCommit(fp, tmp, path, 1, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-sweep: cannot write %s: %s", path, why);
  PetscFunctionReturn(0);
}

PetscErrorCode MHStatusWrite(const MHSweepCtx *c, PetscInt p, const char *status, const char *checkpoint, const char *message, PetscReal wall)
{
  char  path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 32], msg[1024];
  FILE *fp;

  PetscFunctionBeginUser;
  MHPointPath(c, p, ".status", path, sizeof path);
  PetscCall(PetscStrncpy(msg, message ? message : "", sizeof msg));
  for (char *q = msg; *q; q++)
    if (*q == '\n' || *q == '\r') *q = ' ';
  fp = MHOpenTmp(path, tmp, sizeof tmp);
  if (fp) {
    fprintf(fp, "status %s\nsignature %016llx\n", status, (unsigned long long)c->signature[p]);
    if (checkpoint && checkpoint[0]) fprintf(fp, "checkpoint %s\n", checkpoint);
    if (msg[0]) fprintf(fp, "message %s\n", msg);
    fprintf(fp, "wall_s %.3f\n", (double)wall);
  }
  PetscCall(MHCloseTmp(fp, tmp, path));
  PetscFunctionReturn(0);
}

/* What point p needs: 0 nothing (done), 1 a run, 2 a continued run from st->checkpoint. */
PetscInt MHPointTodo(const MHSweepCtx *c, PetscInt p, MHPointStatus *st)
{
  char output[PETSC_MAX_PATH_LEN];

  MHStatusRead(c, p, st);
  if (c->force || st->signature != c->signature[p]) return 1;
  MHPointPath(c, p, ".h5", output, sizeof output);
  if (!strcmp(st->status, "done") && !access(output, R_OK)) return 0;
  if (!strcmp(st->status, "stopped") && st->checkpoint[0] && !access(st->checkpoint, R_OK) && !access(output, R_OK)) return 2;
  return 1;
}
