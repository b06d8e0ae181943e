/* Parameter sweeps, part 3: gathering every point's values and outcomes into one table (CSV and
   HDF5), and the list of points (-sweep_list). */
#include "mhdriver.h"
#include <errno.h>
#include <math.h>
#include <unistd.h>

/* ----------------------------------------------------------------------------------------------
   Gathering (rank 0): manifest.csv always, summary.csv and summary.h5 when asked. */
static void MHCSVField(FILE *fp, const char *t)
{
  if (!strpbrk(t, ",\"\n")) {
    fputs(t, fp);
    return;
  }
  fputc('"', fp);
  for (; *t; t++) {
    if (*t == '"') fputc('"', fp);
    fputc(*t, fp);
  }
  fputc('"', fp);
}

/* The outcomes of a finished run, read from its output's /outcomes; PETSC_FALSE when the file or
   an outcome is missing. */
static PetscBool MHReadOutcomes(const MHSweep *s, const char *path, PetscReal out[])
{
  H5E_auto2_t func;
  void       *data;
  hid_t       file;
  PetscBool   ok = PETSC_TRUE;

  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  file = access(path, R_OK) ? -1 : H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) ok = PETSC_FALSE;
  for (PetscInt q = 0; q < s->noutcomes && ok; q++) {
    hid_t a = H5Aopen_by_name(file, "outcomes", s->outcome[q], H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, &out[q]) < 0) ok = PETSC_FALSE;
    if (a >= 0) H5Aclose(a);
  }
  if (file >= 0) H5Fclose(file);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  return ok;
}

static PetscErrorCode MHH5Column(hid_t file, const char *name, hid_t type, PetscInt n, const void *data, const char *units)
{
  hsize_t dims  = (hsize_t)n;
  hid_t   space = H5Screate_simple(1, &dims, NULL), d;

  PetscFunctionBeginUser;
  d = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(MHH5Check(PETSC_COMM_SELF, d, name));
  if (n) PetscCall(MHH5Check(PETSC_COMM_SELF, H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name));
  if (units) PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, d, "units", units));
  H5Dclose(d);
  H5Sclose(space);
  PetscFunctionReturn(0);
}

PetscErrorCode MHSweepGather(MHSweepCtx *c, PetscBool summary, PetscInt counts[5])
{
  MHSweep   *s  = c->s;
  PetscInt   np = s->npoints, no = s->noutcomes, nk = s->nparams;
  PetscReal *out;
  char(*status)[16], path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN + 32];
  FILE         *man, *sum = NULL;
  MHPointStatus st;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(np * PetscMax(no, 1), &out, np, &status));
  PetscCall(PetscSNPrintf(path, sizeof path, "%s/manifest.csv", s->outdir));
  man = MHOpenTmp(path, tmp, sizeof tmp);
  PetscCheck(man, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s: %s", path, strerror(errno));
  fprintf(man, "point,replicate,status");
  for (PetscInt k = 0; k < nk; k++)
    fprintf(man, ",%s", s->param[k].name);
  fprintf(man, ",output,wall_s,message\n");
  for (PetscInt i = 0; i < 5; i++)
    counts[i] = 0;
  for (PetscInt p = 0; p < np; p++) {
    char output[PETSC_MAX_PATH_LEN], wall[32] = "";
    MHStatusRead(c, p, &st);
    MHPointPath(c, p, ".h5", output, sizeof output);
    if (st.signature != c->signature[p]) st.status[0] = 0; /* from another sweep file or options */
    snprintf(status[p], sizeof status[p], "%s", st.status[0] ? st.status : "missing");
    for (PetscInt q = 0; q < no; q++)
      out[p * no + q] = (PetscReal)NAN;
    if (!strcmp(status[p], "done") && summary && !MHReadOutcomes(s, output, &out[p * no])) {
      snprintf(status[p], sizeof status[p], "failed");
      st.message[0] = 0;
      MHStrlcat(st.message, output, sizeof st.message);
      MHStrlcat(st.message, " has no outcomes (a damaged output)", sizeof st.message);
      for (PetscInt q = 0; q < no; q++)
        out[p * no + q] = (PetscReal)NAN;
    }
    counts[!strcmp(status[p], "done") ? 0 : !strcmp(status[p], "failed") ? 1
            : !strcmp(status[p], "stopped")                              ? 2
            : !strcmp(status[p], "running")                              ? 3
                                                                         : 4]++;
    fprintf(man, "%ld,%ld,%s", (long)p, (long)(p % s->replicates), status[p]);
    for (PetscInt k = 0; k < nk; k++) {
      fputc(',', man);
      MHCSVField(man, s->value[p * nk + k]);
    }
    fputc(',', man);
    MHCSVField(man, output);
    if (st.status[0]) snprintf(wall, sizeof wall, "%.3f", (double)st.wall);
    fprintf(man, ",%s,", wall);
    MHCSVField(man, st.message);
    fputc('\n', man);
  }
  PetscCall(MHCloseTmp(man, tmp, path));
  if (summary) {
    hid_t      file, strtype;
    char     **strs, list[4096];
    long long *ids;
    /* CSV */
    PetscCall(PetscSNPrintf(path, sizeof path, "%s/summary.csv", s->outdir));
    sum = MHOpenTmp(path, tmp, sizeof tmp);
    PetscCheck(sum, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot write %s: %s", path, strerror(errno));
    fprintf(sum, "point,replicate,status");
    for (PetscInt k = 0; k < nk; k++)
      fprintf(sum, ",%s", s->param[k].name);
    for (PetscInt q = 0; q < no; q++)
      fprintf(sum, ",%s", s->outcome[q]);
    fputc('\n', sum);
    for (PetscInt p = 0; p < np; p++) {
      fprintf(sum, "%ld,%ld,%s", (long)p, (long)(p % s->replicates), status[p]);
      for (PetscInt k = 0; k < nk; k++) {
        fputc(',', sum);
        MHCSVField(sum, s->value[p * nk + k]);
      }
      for (PetscInt q = 0; q < no; q++) {
        if (PetscIsNanReal(out[p * no + q]) && strcmp(status[p], "done"))
          fprintf(sum, ",");
        else
          fprintf(sum, ",%.17g", (double)out[p * no + q]);
      }
      fputc('\n', sum);
    }
    PetscCall(MHCloseTmp(sum, tmp, path));
    /* HDF5, column by column */
    PetscCall(PetscSNPrintf(path, sizeof path, "%s/summary.h5", s->outdir));
    {
      char why[2 * PETSC_MAX_PATH_LEN];
      int  fd = MHFileTemp(path, tmp, sizeof tmp, why, sizeof why);
      PetscCheck(fd >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-sweep: cannot write %s: %s", path, why);
      file = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
      if (file < 0 || !MHFileIsStill(fd, tmp)) unlink(tmp);
      close(fd);
    }
    PetscCall(MHH5Check(PETSC_COMM_SELF, file, path));
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "sweep_name", s->name));
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "sweep_file", s->file));
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "sweep_text", s->text));
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "combine", MHSweepCombines[s->combine]));
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "model", s->model));
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "version", MH_VERSION));
    list[0] = 0;
    for (PetscInt k = 0; k < nk; k++) {
      MHStrlcat(list, k ? "," : "", sizeof list);
      MHStrlcat(list, s->param[k].name, sizeof list);
    }
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "parameter_names", list));
    list[0] = 0;
    for (PetscInt q = 0; q < no; q++) {
      MHStrlcat(list, q ? "," : "", sizeof list);
      MHStrlcat(list, s->outcome[q], sizeof list);
    }
    PetscCall(MHWriteStringAttr(PETSC_COMM_SELF, file, "outcome_names", list));
    strtype = H5Tcopy(H5T_C_S1);
    H5Tset_size(strtype, H5T_VARIABLE);
    H5Tset_cset(strtype, H5T_CSET_UTF8);
    PetscCall(PetscMalloc2(np, &strs, np, &ids));
    for (PetscInt p = 0; p < np; p++)
      ids[p] = p;
    PetscCall(MHH5Column(file, "point", H5T_NATIVE_LLONG, np, ids, NULL));
    for (PetscInt p = 0; p < np; p++)
      ids[p] = p % s->replicates;
    PetscCall(MHH5Column(file, "replicate", H5T_NATIVE_LLONG, np, ids, NULL));
    for (PetscInt p = 0; p < np; p++)
      strs[p] = status[p];
    PetscCall(MHH5Column(file, "status", strtype, np, strs, NULL));
    {
      hid_t grp = H5Gcreate2(file, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      PetscCall(MHH5Check(PETSC_COMM_SELF, grp, "/parameters"));
      for (PetscInt k = 0; k < nk; k++) {
        if (s->param[k].numeric) {
          PetscReal *v;
          PetscCall(PetscMalloc1(np, &v));
          for (PetscInt p = 0; p < np; p++)
            v[p] = strtod(s->value[p * nk + k], NULL);
          PetscCall(MHH5Column(grp, s->param[k].name, H5T_NATIVE_DOUBLE, np, v, NULL));
          PetscCall(PetscFree(v));
        } else {
          for (PetscInt p = 0; p < np; p++)
            strs[p] = s->value[p * nk + k];
          PetscCall(MHH5Column(grp, s->param[k].name, strtype, np, strs, NULL));
        }
      }
      H5Gclose(grp);
      grp = H5Gcreate2(file, "outcomes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      PetscCall(MHH5Check(PETSC_COMM_SELF, grp, "/outcomes"));
      for (PetscInt q = 0; q < no; q++) {
        PetscReal *v;
        PetscCall(PetscMalloc1(np, &v));
        for (PetscInt p = 0; p < np; p++)
          v[p] = out[p * no + q];
        PetscCall(MHH5Column(grp, s->outcome[q], H5T_NATIVE_DOUBLE, np, v, s->outcome_unit[q]));
        PetscCall(PetscFree(v));
      }
      H5Gclose(grp);
    }
    H5Tclose(strtype);
    PetscCall(PetscFree2(strs, ids));
    PetscCall(MHH5Check(PETSC_COMM_SELF, H5Fclose(file), path));
    {
      char why[2 * PETSC_MAX_PATH_LEN];
      PetscCheck(!MHFilePlace(tmp, path, 1, why, sizeof why), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "-sweep: cannot write %s: %s", path, why);
    }
  }
  PetscCall(PetscFree2(out, status));
  PetscFunctionReturn(0);
}

/* ----------------------------------------------------------------------------------------------
   -sweep_list and -sweep_slurm (rank 0) */
PetscErrorCode MHSweepListPoints(MHSweepCtx *c)
{
  MHSweep      *s = c->s;
  MHPointStatus st;
  PetscInt      todo = 0;

  PetscFunctionBeginUser;
  printf("Sweep %s (%s): model %s, %" PetscInt_FMT " points (%s", s->name, s->file, s->model, s->npoints, MHSweepCombines[s->combine]);
  if (s->replicates > 1) printf(", %" PetscInt_FMT " replicates seeded through -%s", s->replicates, s->seed_option);
  printf("), outputs in %s/runs/\n%-*s %-9s", s->outdir, (int)c->width + 1, "point", "status");
  for (PetscInt k = 0; k < s->nparams; k++)
    printf(" %s", s->param[k].name);
  printf("\n");
  for (PetscInt p = 0; p < s->npoints; p++) {
    char id[32];
    if (MHPointTodo(c, p, &st)) todo++;
    if (st.signature != c->signature[p]) st.status[0] = 0;
    MHPointId(c, p, id, sizeof id);
    printf("%-*s %-9s", (int)c->width + 1, id, st.status[0] ? st.status : "-");
    for (PetscInt k = 0; k < s->nparams; k++)
      printf(" %*s", (int)strlen(s->param[k].name), s->value[p * s->nparams + k]);
    printf("\n");
  }
  printf("%" PetscInt_FMT " of %" PetscInt_FMT " points to run; outcomes gathered: ", todo, s->npoints);
  for (PetscInt q = 0; q < s->noutcomes; q++)
    printf("%s%s", q ? ", " : "", s->outcome[q]);
  printf("\n");
  PetscFunctionReturn(0);
}
