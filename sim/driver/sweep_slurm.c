/* Parameter sweeps, part 4: the SLURM array script (-sweep_slurm). */
#include "mhdriver.h"
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

/* A word for a shell script, single-quoted. */
static void MHShellWord(FILE *fp, const char *t)
{
  fputc('\'', fp);
  for (; *t; t++) {
    if (*t == '\'')
      fputs("'\\''", fp);
    else
      fputc(*t, fp);
  }
  fputc('\'', fp);
}

PetscErrorCode MHSweepSlurm(MHSweepCtx *c)
{
  MHSweep *s                       = c->s;
  char     exe[PETSC_MAX_PATH_LEN] = "", cwd[PETSC_MAX_PATH_LEN] = "", logs[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 32], launcher[512];
  FILE    *fp;
  PetscInt ntasks = (s->npoints + c->slurm_batch - 1) / c->slurm_batch;
  ssize_t  n      = readlink("/proc/self/exe", exe, sizeof exe - 1);
  char    *directive[64], *prelude = NULL;
  PetscInt ndirectives = 0;

  PetscFunctionBeginUser;
  if (n > 0)
    exe[n] = 0;
  else
    PetscCall(PetscStrncpy(exe, "microheal", sizeof exe));
  PetscCheck(getcwd(cwd, sizeof cwd), PETSC_COMM_SELF, PETSC_ERR_SYS, "getcwd: %s", strerror(errno));
  PetscCall(PetscSNPrintf(logs, sizeof logs, "%s/slurm", s->outdir));
  if (c->slurm_launcher[0])
    PetscCall(PetscStrncpy(launcher, c->slurm_launcher, sizeof launcher));
  else if (c->ranks_per_run > 1)
    PetscCall(PetscSNPrintf(launcher, sizeof launcher, "mpiexec -n %" PetscInt_FMT, c->ranks_per_run));
  else
    launcher[0] = 0;
  /* extra directives: each an sbatch option ("--mem=8G"; a leading "#SBATCH" is taken off) */
  if (c->slurm_sbatch[0]) {
    char *save = NULL;
    for (char *d = strtok_r(c->slurm_sbatch, ";", &save); d; d = strtok_r(NULL, ";", &save)) {
      while (*d == ' ' || *d == '\t')
        d++;
      if (!strncmp(d, "#SBATCH", 7)) d += 7;
      while (*d == ' ' || *d == '\t')
        d++;
      for (size_t e = strlen(d); e && (d[e - 1] == ' ' || d[e - 1] == '\t'); e--)
        d[e - 1] = 0;
      if (!*d) continue;
      PetscCheck(d[0] == '-' && !strpbrk(d, "\n\r"), PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "-sweep_slurm_sbatch: '%s' is not an sbatch option (like --mem=8G); separate directives with ';'", d);
      PetscCheck(ndirectives < (PetscInt)(sizeof directive / sizeof directive[0]), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "-sweep_slurm_sbatch: more than %d directives", (int)(sizeof directive / sizeof directive[0]));
      directive[ndirectives++] = d;
    }
  }
  /* the prelude: read now, so that a missing or unreadable file stops here, before anything is written */
  if (c->slurm_prelude[0]) {
    FILE       *pf = fopen(c->slurm_prelude, "r");
    struct stat st;
    long        size;
    PetscCheck(pf && !fstat(fileno(pf), &st) && S_ISREG(st.st_mode), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-sweep_slurm_prelude %s: %s", c->slurm_prelude, pf ? "not a regular file" : strerror(errno));
    size = (long)st.st_size;
    PetscCheck(size <= 65536, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "-sweep_slurm_prelude %s: %ld bytes; a prelude is a few shell lines (at most 64 KiB)", c->slurm_prelude, size);
    prelude = malloc((size_t)size + 1);
    PetscCheck(prelude, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory");
    prelude[fread(prelude, 1, (size_t)size, pf)] = 0;
    fclose(pf);
  }
  PetscCall(MHMakeFolder(PETSC_COMM_SELF, logs));
  fp = MHOpenTmp(c->slurm, tmp, sizeof tmp);
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-sweep_slurm %s: cannot write: %s", c->slurm, strerror(errno));
  fprintf(fp, "#!/bin/bash\n");
  fprintf(fp, "# microheal sweep %s: %" PetscInt_FMT " points of %s as a SLURM array of %" PetscInt_FMT " tasks, %" PetscInt_FMT " point%s each.\n", s->name, s->npoints, s->file, ntasks, c->slurm_batch, c->slurm_batch > 1 ? "s" : "");
  fprintf(fp, "#   bash %s     submits the array, then a job that gathers the table after it\n", c->slurm);
  fprintf(fp, "#   sbatch %s   submits the array alone; gather with: microheal -sweep %s -sweep_output_dir %s -sweep_gather\n", c->slurm, s->file, s->outdir);
  fprintf(fp, "# A task skips the points already done, so resubmitting reruns only failed and missing ones.\n");
  fprintf(fp, "# Written by microheal %s; paths are relative to %s.\n", MH_VERSION, cwd);
  fprintf(fp, "#SBATCH --job-name=mh-%s\n", s->name);
  fprintf(fp, "#SBATCH --array=0-%" PetscInt_FMT, ntasks - 1);
  if (c->slurm_throttle > 0) fprintf(fp, "%%%" PetscInt_FMT, c->slurm_throttle);
  fprintf(fp, "\n#SBATCH --ntasks=%" PetscInt_FMT "\n", c->ranks_per_run);
  fprintf(fp, "#SBATCH --output=%s%s%s/%%A_%%a.out\n", logs[0] == '/' ? "" : cwd, logs[0] == '/' ? "" : "/", logs);
  if (c->slurm_time[0]) {
    fprintf(fp, "#SBATCH --time=%s\n", c->slurm_time);
    /* before the limit, SIGUSR1: the run in progress writes a checkpoint, and the next
       submission continues it */
    fprintf(fp, "#SBATCH --signal=B:USR1@%" PetscInt_FMT "\n", c->slurm_grace);
  }
  if (c->slurm_partition[0]) fprintf(fp, "#SBATCH --partition=%s\n", c->slurm_partition);
  if (c->slurm_account[0]) fprintf(fp, "#SBATCH --account=%s\n", c->slurm_account);
  for (PetscInt k = 0; k < ndirectives; k++)
    fprintf(fp, "#SBATCH %s\n", directive[k]);
  fprintf(fp, "self=$(readlink -f \"$0\")\n");
  fprintf(fp, "cd ");
  MHShellWord(fp, cwd);
  fprintf(fp, " || exit 1\n");
  if (prelude) {
    fprintf(fp, "# the prelude (-sweep_slurm_prelude %s): run by every task, the gather job and the submission\n%s%s", c->slurm_prelude, prelude, prelude[0] && prelude[strlen(prelude) - 1] != '\n' ? "\n" : "");
    free(prelude);
  }

  fprintf(fp, "sweep=(");
  MHShellWord(fp, exe);
  fprintf(fp, " -sweep ");
  MHShellWord(fp, s->file);
  fprintf(fp, " -sweep_output_dir ");
  MHShellWord(fp, s->outdir);
  if (s->extra && s->extra[0]) {
    char *copy, *save = NULL;
    PetscCall(PetscStrallocpy(s->extra, &copy));
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
      fputc(' ', fp);
      MHShellWord(fp, w);
    }
    PetscCall(PetscFree(copy));
  }
  fprintf(fp, ")\n");
  fprintf(fp, "if [ -n \"${MH_SWEEP_GATHER:-}\" ]; then exec \"${sweep[@]}\" -sweep_gather; fi\n");
  fprintf(fp, "if [ -z \"${SLURM_ARRAY_TASK_ID:-}\" ]; then\n");
  fprintf(fp, "  set -e\n");
  fprintf(fp, "  array=$(sbatch --parsable \"$self\")\n");
  fprintf(fp, "  gather=$(sbatch --parsable --dependency=afterany:\"${array%%%%;*}\" --job-name=mh-%s-gather --ntasks=1 --output=%s%s%s/gather_%%j.out --export=ALL,MH_SWEEP_GATHER=1 --wrap \"bash $(printf '%%q' \"$self\")\")\n", s->name, logs[0] == '/' ? "" : cwd, logs[0] == '/' ? "" : "/", logs);
  fprintf(fp, "  echo \"submitted array job ${array} (%" PetscInt_FMT " tasks) and gather job ${gather}\"\n", ntasks);
  fprintf(fp, "  exit 0\n");
  fprintf(fp, "fi\n");
  fprintf(fp, "exec %s%s\"${sweep[@]}\" -sweep_index \"$SLURM_ARRAY_TASK_ID\" -sweep_batch %" PetscInt_FMT " -sweep_ranks_per_run %" PetscInt_FMT "\n", launcher, launcher[0] ? " " : "", c->slurm_batch, c->ranks_per_run);
  PetscCall(MHCloseTmp(fp, tmp, c->slurm));
  PetscCheck(chmod(c->slurm, 0755) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "chmod %s: %s", c->slurm, strerror(errno));
  printf("Wrote %s: a SLURM array of %" PetscInt_FMT " tasks (%" PetscInt_FMT " point%s each, %" PetscInt_FMT " rank%s per run) for the %" PetscInt_FMT " points of %s.\n", c->slurm, ntasks, c->slurm_batch, c->slurm_batch > 1 ? "s" : "", c->ranks_per_run, c->ranks_per_run > 1 ? "s" : "", s->npoints, s->file);
  printf("Submit the array and a gather job after it: bash %s\n", c->slurm);
  PetscFunctionReturn(0);
}
