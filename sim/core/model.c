/* The model registry and helpers every model uses. */
#include "mhcore.h"

static PetscFunctionList MHModelFunctions = NULL;

static PetscErrorCode MHModelRegistryDestroy(void)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListDestroy(&MHModelFunctions));
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelRegister(const char name[], MHModelCreateFn create)
{
  PetscFunctionBeginUser;
  if (!MHModelFunctions) PetscCall(PetscRegisterFinalize(MHModelRegistryDestroy));
  PetscCall(PetscFunctionListAdd(&MHModelFunctions, name, create));
  PetscFunctionReturn(0);
}

static PetscErrorCode MHModelNames(char *buf, size_t len)
{
  const char **names;
  int          n;

  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListGet(MHModelFunctions, &names, &n));
  buf[0] = 0;
  for (int i = 0; i < n && names[i]; i++) {
    MHStrlcat(buf, i ? ", " : "", len);
    MHStrlcat(buf, names[i], len);
  }
  PetscCall(PetscFree(names));
  PetscFunctionReturn(0);
}

/* The registered model names; free the array (not the names) with PetscFree. */
PetscErrorCode MHModelGetNames(PetscInt *n, const char ***names)
{
  int cnt;

  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListGet(MHModelFunctions, names, &cnt));
  *n = cnt - 1; /* the count includes the NULL that ends the array */
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelList(MPI_Comm comm, FILE *fd)
{
  char names[1024];

  PetscFunctionBeginUser;
  PetscCall(MHModelNames(names, sizeof names));
  PetscCall(PetscFPrintf(comm, fd, "Models (-model NAME): %s\n", names));
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelCreate(MPI_Comm comm, const char name[], MHModel *model)
{
  MHModelCreateFn create;
  MHModel         m;
  char            names[1024];

  PetscFunctionBeginUser;
  PetscCall(PetscFunctionListFind(MHModelFunctions, name, &create));
  if (!create) {
    PetscCall(MHModelNames(names, sizeof names));
    SETERRQ(comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "-model %s: no such model; the registered models are: %s", name, names);
  }
  PetscCall(PetscNew(&m));
  m->comm = comm;
  PetscCall(PetscStrncpy(m->name, name, sizeof m->name));
  PetscCall(PetscStrncpy(m->length_unit, "1", sizeof m->length_unit));
  PetscCall(PetscStrncpy(m->time_unit, "1", sizeof m->time_unit));
  for (PetscInt i = 0; i < MH_MAX_FIELDS; i++)
    for (PetscInt j = 0; j < MH_MAX_FIELDS; j++)
      m->coupling[i][j] = PETSC_TRUE;
  PetscCall((*create)(m));
  PetscCheck(m->nf > 0, comm, PETSC_ERR_PLIB, "model %s declared no fields", name);
  PetscCheck(m->ops.reaction && m->ops.initial, comm, PETSC_ERR_PLIB, "model %s lacks a reaction or an initial condition", name);
  PetscCheck(!m->ntaxis || m->ops.taxis, comm, PETSC_ERR_PLIB, "model %s declares taxis without sensitivities", name);
  PetscCheck(!m->nconduit || m->ops.conduit, comm, PETSC_ERR_PLIB, "model %s declares conduits without conductances", name);
  *model = m;
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelDestroy(MHModel *model)
{
  PetscFunctionBeginUser;
  if (!*model) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < (*model)->ntables; i++) {
    MHTable *tab = &(*model)->table[i];
    PetscCall(PetscFree(tab->description));
    PetscCall(PetscFree(tab->columns));
    PetscCall(PetscFree(tab->units));
    PetscCall(PetscFree(tab->rows));
    PetscCall(PetscFree(tab->data));
  }
  if ((*model)->ops.destroy)
    PetscCall((*model)->ops.destroy(*model));
  else
    PetscCall(PetscFree((*model)->data)); /* the usual case: one PetscNew'ed struct */
  PetscCall(PetscFree(*model));
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelSetFields(MHModel m, PetscInt nf, const char *const names[], const char *const units[])
{
  PetscFunctionBeginUser;
  PetscCheck(nf > 0 && nf <= MH_MAX_FIELDS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "a model has 1 to %d fields, not %" PetscInt_FMT, MH_MAX_FIELDS, nf);
  m->nf = nf;
  for (PetscInt i = 0; i < nf; i++) {
    PetscCall(PetscStrncpy(m->field_name[i], names[i], MH_NAME_LEN));
    PetscCall(PetscStrncpy(m->field_unit[i], units[i], MH_NAME_LEN));
    m->nonnegative[i] = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelSetUnits(MHModel m, const char length[], const char time[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(m->length_unit, length, MH_NAME_LEN));
  PetscCall(PetscStrncpy(m->time_unit, time, MH_NAME_LEN));
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelAddTaxis(MHModel m, PetscInt field, PetscInt attractant)
{
  PetscFunctionBeginUser;
  PetscCheck(m->ntaxis < MH_MAX_TAXIS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d taxis terms", MH_MAX_TAXIS);
  PetscCheck(field >= 0 && field < m->nf && attractant >= 0 && attractant < m->nf && field != attractant, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "taxis of field %" PetscInt_FMT " up field %" PetscInt_FMT ": not two distinct fields", field, attractant);
  m->taxis_field[m->ntaxis]      = field;
  m->taxis_attractant[m->ntaxis] = attractant;
  m->ntaxis++;
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelAddConduit(MHModel m, PetscInt field, PetscInt gate)
{
  PetscFunctionBeginUser;
  PetscCheck(m->nconduit < MH_MAX_TAXIS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d conduits", MH_MAX_TAXIS);
  PetscCheck(field >= 0 && field < m->nf && gate >= 0 && gate < m->nf && field != gate, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "conduit of field %" PetscInt_FMT " gated by field %" PetscInt_FMT ": not two distinct fields", field, gate);
  m->conduit_field[m->nconduit] = field;
  m->conduit_gate[m->nconduit]  = gate;
  m->nconduit++;
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelAddOutcome(MHModel m, const char name[], const char unit[])
{
  PetscFunctionBeginUser;
  PetscCheck(m->noutcomes < MH_MAX_OUTCOMES, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "at most %d outcomes", MH_MAX_OUTCOMES);
  PetscCall(PetscStrncpy(m->outcome_name[m->noutcomes], name, MH_NAME_LEN));
  PetscCall(PetscStrncpy(m->outcome_unit[m->noutcomes], unit, MH_NAME_LEN));
  m->noutcomes++;
  PetscFunctionReturn(0);
}

static PetscErrorCode MHModelRecord(MHModel m, const char name[], const char unit[], PetscReal value, const char text[])
{
  MHParam *p;

  PetscFunctionBeginUser;
  PetscCheck(m->nparams < MH_MAX_PARAMS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: more than %d parameters", m->name, MH_MAX_PARAMS);
  p = &m->param[m->nparams++];
  PetscCall(PetscStrncpy(p->name, name, MH_NAME_LEN));
  PetscCall(PetscStrncpy(p->unit, unit, MH_NAME_LEN));
  PetscCall(PetscStrncpy(p->text, text ? text : "", MH_NAME_LEN));
  PetscCall(PetscStrncpy(p->status, m->next_status, sizeof p->status));
  PetscCall(PetscStrncpy(p->source, m->next_source, sizeof p->source));
  p->value = value;
  PetscFunctionReturn(0);
}

/* A hint for a value that looks given in the wrong unit: a length in mm of 50 or more was most
   likely meant in micrometres ("lengths are in mm; 1500 mm - did you mean 1.5?"). Empty if none. */
const char *MHUnitHint(const char unit[], PetscReal v, char buf[], size_t len)
{
  buf[0] = 0;
  if (!strcmp(unit, "mm") && v >= 50 && !PetscIsInfOrNanReal(v)) snprintf(buf, len, "; lengths are in mm: %g mm is %g cm - did you mean %g (micrometres given as mm)?", (double)v, (double)(v / 10), (double)(v / 1000));
  return buf;
}

/* One clear line when v lies outside r. */
static PetscErrorCode MHRangeCheck(MHModel m, const char opt[], const char unit[], PetscReal v, MHRange r)
{
  char lo[32], hi[32];

  PetscFunctionBeginUser;
  if (!PetscIsInfOrNanReal(v) && (r.lo_open ? v > r.lo : v >= r.lo) && (r.hi_open ? v < r.hi : v <= r.hi)) PetscFunctionReturn(0);
  if (r.lo <= PETSC_MIN_REAL)
    PetscCall(PetscStrncpy(lo, "-inf", sizeof lo));
  else
    PetscCall(PetscSNPrintf(lo, sizeof lo, "%g", (double)r.lo));
  if (r.hi >= PETSC_MAX_REAL)
    PetscCall(PetscStrncpy(hi, "inf", sizeof hi));
  else
    PetscCall(PetscSNPrintf(hi, sizeof hi, "%g", (double)r.hi));
  /* infinite bounds are never allowed (the check above rejects inf and nan): print them open */
  {
    char hint[256];
    SETERRQ(m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %g: out of range; allowed %s%s, %s%s [%s]%s", opt, (double)v, r.lo_open || r.lo <= PETSC_MIN_REAL ? "(" : "[", lo, hi, r.hi_open || r.hi >= PETSC_MAX_REAL ? ")" : "]", unit, MHUnitHint(unit, v, hint, sizeof hint));
  }
}

static const char *const MHStatusNames[] = {"literature", "calibrated", "prior", "derived", "choice", NULL};

PetscErrorCode MHModelParamProvenance(MHModel m, const char status[], const char source[])
{
  PetscBool known = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; MHStatusNames[k]; k++)
    if (!strcmp(status, MHStatusNames[k])) known = PETSC_TRUE;
  PetscCheck(known, m->comm, PETSC_ERR_PLIB, "model %s: parameter status '%s' is none of literature, calibrated, prior, derived, choice", m->name, status);
  PetscCheck(!source || strlen(source) < sizeof m->next_source, m->comm, PETSC_ERR_PLIB, "model %s: a parameter's source (\"%.40s...\") has %zu characters, more than the %zu the output records; shorten it", m->name, source, strlen(source), sizeof m->next_source - 1);
  PetscCall(PetscStrncpy(m->next_status, status, sizeof m->next_status));
  PetscCall(PetscStrncpy(m->next_source, source ? source : "", sizeof m->next_source));
  PetscFunctionReturn(0);
}

/* The help text of a parameter: its own, then its status and source when the model gave them
   (appended to text); the provenance is used up by the parameter it was given for. */
static void MHParamHelp(MHModel m, const char help[], char text[], size_t len)
{
  if (help) snprintf(text, len, "%s", help);
  if (m->next_status[0]) {
    MHStrlcat(text, " {", len);
    MHStrlcat(text, m->next_status, len);
    if (m->next_source[0]) {
      MHStrlcat(text, ": ", len);
      MHStrlcat(text, m->next_source, len);
    }
    MHStrlcat(text, "}", len);
  }
}

static void MHProvenanceDone(MHModel m)
{
  m->next_status[0] = m->next_source[0] = 0;
}

/* What -help shows in parentheses after a parameter's text: its unit ("dimensionless" for 1). */
static const char *MHHelpUnit(const char unit[])
{
  return !strcmp(unit, "1") ? "dimensionless" : unit;
}

/* A real parameter -<model>_<name> [unit]: default, range check with one clear line, recorded. */
PetscErrorCode MHModelParamReal(MHModel m, PetscOptionItems *PetscOptionsObject, const char name[], const char unit[], const char help[], PetscReal def, MHRange r, PetscReal *value)
{
  char      opt[2 * MH_NAME_LEN + 2], text[512];
  PetscReal v = def;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, name));
  MHParamHelp(m, help, text, sizeof text);
  PetscCall(PetscOptionsReal(opt, text, MHHelpUnit(unit), def, &v, NULL));
  PetscCall(MHRangeCheck(m, opt, unit, v, r));
  PetscCall(MHModelRecord(m, name, unit, v, NULL));
  MHProvenanceDone(m);
  *value = v;
  PetscFunctionReturn(0);
}

/* A list of reals -<model>_<name> v1,v2,... [unit], each checked against r and recorded as
   name[label] (labels NULL: name[k]). Fixed length (nmax == *n on entry, labels given): exactly n
   values, or one value for all. Variable length (*n on entry is the default count): 1 to nmax values. */
PetscErrorCode MHModelParamRealArray(MHModel m, PetscOptionItems *PetscOptionsObject, const char name[], const char unit[], const char help[], PetscInt nmax, const char *const labels[], const PetscReal defaults[], MHRange r, PetscInt *n, PetscReal values[])
{
  char      opt[2 * MH_NAME_LEN + 2], text[1024], rec[2 * MH_NAME_LEN];
  PetscReal v[MH_MAX_PARAMS + 1];
  PetscInt  nv = nmax + 1, ndef = *n; /* room for one value too many: PETSc drops the excess silently */
  PetscBool set, fixed          = (PetscBool)(labels != NULL);

  PetscFunctionBeginUser;
  PetscCheck(nmax <= MH_MAX_PARAMS && ndef <= nmax, m->comm, PETSC_ERR_PLIB, "parameter %s: at most %d values", name, MH_MAX_PARAMS);
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, name));
  if (fixed) {
    char list[256] = "";
    for (PetscInt k = 0; k < nmax; k++) {
      MHStrlcat(list, k ? "," : "", sizeof list);
      MHStrlcat(list, labels[k], sizeof list);
    }
    PetscCall(PetscSNPrintf(text, sizeof text, "%s, per %s (one value: all)", help, list));
  } else
    PetscCall(PetscSNPrintf(text, sizeof text, "%s (1 to %" PetscInt_FMT " values)", help, nmax));
  if (ndef > 1) { /* PETSc shows only the first default of a list: the text gives them all */
    MHStrlcat(text, "; default ", sizeof text);
    for (PetscInt k = 0; k < ndef; k++) {
      char num[32];
      PetscCall(PetscSNPrintf(num, sizeof num, "%s%g", k ? "," : "", (double)defaults[k]));
      MHStrlcat(text, num, sizeof text);
    }
  }
  MHParamHelp(m, NULL, text, sizeof text);
  for (PetscInt k = 0; k < ndef; k++)
    v[k] = defaults[k];
  PetscCall(PetscOptionsRealArray(opt, text, MHHelpUnit(unit), v, &nv, &set));
  if (!set) nv = ndef;
  PetscCheck(nv <= nmax, m->comm, PETSC_ERR_ARG_SIZ, "%s: gives more than %" PetscInt_FMT " values; give %s%" PetscInt_FMT, opt, nmax, fixed ? "1 or " : "at most ", nmax);
  if (fixed) {
    PetscCheck(nv == nmax || nv == 1, m->comm, PETSC_ERR_ARG_SIZ, "%s: gives %" PetscInt_FMT " values; give 1 or %" PetscInt_FMT, opt, nv, nmax);
    if (nv == 1)
      for (PetscInt k = 1; k < nmax; k++)
        v[k] = v[0];
    nv = nmax;
  } else
    PetscCheck(nv >= 1 || !set, m->comm, PETSC_ERR_ARG_SIZ, "%s: give at least one value", opt);
  for (PetscInt k = 0; k < nv; k++) {
    char ko[2 * MH_NAME_LEN + 32];
    PetscCall(PetscSNPrintf(ko, sizeof ko, "%s (value %" PetscInt_FMT ")", opt, k + 1));
    PetscCall(MHRangeCheck(m, ko, unit, v[k], r));
    if (fixed)
      PetscCall(PetscSNPrintf(rec, sizeof rec, "%s.%s", name, labels[k]));
    else
      PetscCall(PetscSNPrintf(rec, sizeof rec, "%s.%" PetscInt_FMT, name, k + 1));
    PetscCall(MHModelRecord(m, rec, unit, v[k], NULL));
    values[k] = v[k];
  }
  MHProvenanceDone(m);
  *n = nv;
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelSetEvents(MHModel m, PetscInt n, const PetscReal times[])
{
  PetscFunctionBeginUser;
  PetscCheck(!n || m->ops.event, m->comm, PETSC_ERR_PLIB, "model %s sets events without an event hook", m->name);
  PetscCheck(n >= 0 && n <= MH_MAX_EVENTS, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: at most %d events, not %" PetscInt_FMT, m->name, MH_MAX_EVENTS, n);
  for (PetscInt k = 0; k < n; k++) {
    PetscCheck(times[k] >= 0 && (k == 0 || times[k] > times[k - 1]), m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: event times must be >= 0 and increasing (event %" PetscInt_FMT " at %g)", m->name, k + 1, (double)times[k]);
    m->event_time[k] = times[k];
  }
  m->nevents = n;
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelParamInt(MHModel m, PetscOptionItems *PetscOptionsObject, const char name[], const char help[], PetscInt def, PetscInt lo, PetscInt hi, PetscInt *value)
{
  char     opt[2 * MH_NAME_LEN + 2], text[768];
  PetscInt v = def;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, name));
  MHParamHelp(m, help, text, sizeof text);
  PetscCall(PetscOptionsInt(opt, text, "integer", def, &v, NULL));
  PetscCheck(v >= lo && v <= hi, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s %" PetscInt_FMT ": out of range; allowed [%" PetscInt_FMT ", %" PetscInt_FMT "]", opt, v, lo, hi);
  PetscCall(MHModelRecord(m, name, "1", (PetscReal)v, NULL));
  MHProvenanceDone(m);
  *value = v;
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelParamNames(MHModel m, PetscOptionItems *PetscOptionsObject, const char name[], const char help[], PetscInt nmax, PetscInt *n, char names[][MH_NAME_LEN])
{
  char      opt[2 * MH_NAME_LEN + 2], text[768], rec[2 * MH_NAME_LEN], *v[MH_MAX_FIELDS + 1];
  PetscInt  nv = nmax + 1; /* room for one too many: PETSc drops the excess silently */
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCheck(nmax <= MH_MAX_FIELDS, m->comm, PETSC_ERR_PLIB, "parameter %s: at most %d names", name, MH_MAX_FIELDS);
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, name));
  MHParamHelp(m, help, text, sizeof text);
  PetscCall(PetscOptionsStringArray(opt, text, "name,...", v, &nv, &set));
  if (!set) nv = 0;
  PetscCheck(nv <= nmax, m->comm, PETSC_ERR_ARG_SIZ, "%s: gives more than %" PetscInt_FMT " names", opt, nmax);
  for (PetscInt k = 0; k < nv; k++) {
    size_t len;
    PetscCall(PetscStrlen(v[k], &len));
    PetscCheck(len > 0 && len < 40, m->comm, PETSC_ERR_ARG_WRONG, "%s: name %" PetscInt_FMT " is %s; give 1 to 39 characters", opt, k + 1, len ? "too long" : "empty");
    for (size_t c = 0; c < len; c++)
      PetscCheck((v[k][c] >= 'a' && v[k][c] <= 'z') || (v[k][c] >= '0' && v[k][c] <= '9') || v[k][c] == '_', m->comm, PETSC_ERR_ARG_WRONG, "%s: name '%s' may hold only lower-case letters, digits and _", opt, v[k]);
    for (PetscInt j = 0; j < k; j++) {
      PetscBool same;
      PetscCall(PetscStrcmp(v[j], v[k], &same));
      PetscCheck(!same, m->comm, PETSC_ERR_ARG_WRONG, "%s: '%s' is named twice", opt, v[k]);
    }
    PetscCall(PetscStrncpy(names[k], v[k], MH_NAME_LEN));
    PetscCall(PetscSNPrintf(rec, sizeof rec, "%s.%" PetscInt_FMT, name, k + 1));
    PetscCall(MHModelRecord(m, rec, "choice", (PetscReal)k, v[k]));
    PetscCall(PetscFree(v[k]));
  }
  MHProvenanceDone(m);
  *n = nv;
  PetscFunctionReturn(0);
}

/* list: the value names, NULL-terminated. An unknown name is an error listing the choices. */
PetscErrorCode MHModelParamEnum(MHModel m, PetscOptionItems *PetscOptionsObject, const char name[], const char help[], const char *const list[], PetscInt def, PetscInt *value)
{
  char     opt[2 * MH_NAME_LEN + 2], text[768];
  PetscInt n = 0, v = def;

  PetscFunctionBeginUser;
  while (list[n])
    n++;
  PetscCall(PetscSNPrintf(opt, sizeof opt, "-%s_%s", m->name, name));
  PetscCall(MHOptionsCheckChoice(m->comm, opt, list, n));
  MHParamHelp(m, help, text, sizeof text);
  PetscCall(PetscOptionsEList(opt, text, "choice", list, (PetscInt)n, list[def], &v, NULL));
  PetscCall(MHModelRecord(m, name, "choice", (PetscReal)v, list[v]));
  MHProvenanceDone(m);
  m->param[m->nparams - 1].choices = list;
  *value                           = v;
  PetscFunctionReturn(0);
}

/* The parameter table: every parameter with its value and unit. */
PetscErrorCode MHModelView(MHModel m, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  PetscCall(PetscViewerASCIIPrintf(viewer, "Model %s: %" PetscInt_FMT " fields (", m->name, m->nf));
  for (PetscInt f = 0; f < m->nf; f++)
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s%s [%s]", f ? ", " : "", m->field_name[f], m->field_unit[f]));
  PetscCall(PetscViewerASCIIPrintf(viewer, "); length in %s, time in %s\n", m->length_unit, m->time_unit));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  for (PetscInt i = 0; i < m->nparams; i++) {
    const MHParam *p = &m->param[i];
    if (p->text[0])
      PetscCall(PetscViewerASCIIPrintf(viewer, "%-40s %s\n", p->name, p->text));
    else
      PetscCall(PetscViewerASCIIPrintf(viewer, "%-40s %-14g %-16s %s\n", p->name, (double)p->value, p->unit, p->status));
  }
  if (m->ops.view) PetscCall(m->ops.view(m, viewer));
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}

/* Central finite differences of the model's reaction: the reference its analytic Jacobian is tested against. */
void MHModelReactionJacobianFD(MHModel m, PetscReal t, const PetscReal x[], const PetscScalar u[], PetscScalar J[])
{
  PetscInt    nf = m->nf;
  PetscScalar up[MH_MAX_FIELDS], fp[MH_MAX_FIELDS], fm[MH_MAX_FIELDS];

  for (PetscInt j = 0; j < nf; j++) {
    PetscReal h = 1e-6 * PetscMax(1.0, PetscAbsScalar(u[j]));
    for (PetscInt k = 0; k < nf; k++)
      up[k] = u[k];
    up[j] = u[j] + h;
    m->ops.reaction(m->data, t, x, up, fp);
    up[j] = u[j] - h;
    m->ops.reaction(m->data, t, x, up, fm);
    for (PetscInt i = 0; i < nf; i++)
      J[i * nf + j] = (fp[i] - fm[i]) / (2 * h);
  }
}

static PetscInt MHCountItems(const char *list)
{
  PetscInt n = 1;

  if (!list || !list[0]) return 0;
  for (const char *c = list; *c; c++)
    n += *c == ',';
  return n;
}

PetscErrorCode MHModelAddTable(MHModel m, const char name[], const char description[], const char columns[], const char units[], const char rows[], PetscInt nrows, PetscInt ncols, const PetscReal data[])
{
  MHTable *tab;

  PetscFunctionBeginUser;
  PetscCheck(m->ntables < MH_MAX_TABLES, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "model %s: more than %d tables", m->name, MH_MAX_TABLES);
  PetscCheck(nrows >= 0 && ncols >= 1, m->comm, PETSC_ERR_ARG_OUTOFRANGE, "table %s: %" PetscInt_FMT " x %" PetscInt_FMT " values", name, nrows, ncols);
  PetscCheck(MHCountItems(columns) == ncols && MHCountItems(units) == ncols, m->comm, PETSC_ERR_ARG_SIZ, "table %s: %" PetscInt_FMT " columns, but %" PetscInt_FMT " names and %" PetscInt_FMT " units", name, ncols, MHCountItems(columns), MHCountItems(units));
  PetscCheck(!rows || MHCountItems(rows) == nrows, m->comm, PETSC_ERR_ARG_SIZ, "table %s: %" PetscInt_FMT " rows, but %" PetscInt_FMT " labels", name, nrows, MHCountItems(rows));
  for (PetscInt i = 0; i < m->ntables; i++) {
    PetscBool same;
    PetscCall(PetscStrcmp(m->table[i].name, name, &same));
    PetscCheck(!same, m->comm, PETSC_ERR_ARG_WRONG, "model %s: table %s added twice", m->name, name);
  }
  tab = &m->table[m->ntables++];
  PetscCall(PetscStrncpy(tab->name, name, sizeof tab->name));
  PetscCall(PetscStrallocpy(description, &tab->description));
  PetscCall(PetscStrallocpy(columns, &tab->columns));
  PetscCall(PetscStrallocpy(units, &tab->units));
  PetscCall(PetscStrallocpy(rows ? rows : "", &tab->rows));
  tab->nrows = nrows;
  tab->ncols = ncols;
  PetscCall(PetscMalloc1(nrows * ncols + 1, &tab->data));
  if (nrows) PetscCall(PetscArraycpy(tab->data, data, nrows * ncols));
  PetscFunctionReturn(0);
}

PetscErrorCode MHModelSetState(MHModel m, PetscInt n, PetscReal *state)
{
  PetscFunctionBeginUser;
  PetscCheck(n >= 0 && (state || !n), m->comm, PETSC_ERR_ARG_WRONG, "model %s: a state of %" PetscInt_FMT " reals", m->name, n);
  m->nstate = n;
  m->state  = state;
  PetscFunctionReturn(0);
}
