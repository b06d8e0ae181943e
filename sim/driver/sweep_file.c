/* Parameter sweeps, part 1: the sweep file (YAML, read with libyaml) and its points.

   sweep:
     name: depth_density            default: the file's stem
     base: ../demo.yaml             options file every point starts from (relative to this file)
     options: {output_count: 4}     options for every point, over the base (nested keys join with _)
     parameters:                    option names; nested groups join with _ as in options files
       microneedling_needle_length_mm: [0.5, 1, 1.5]              a list of values
       microneedling_density_per_cm2: {from: 100, to: 400, count: 4, scale: log}   a range
     combine: grid                  grid | zip | random | lhs
     samples: 16                    random, lhs: how many points
     seed: 1                        random, lhs
     replicates: 1                  each point this many times, with replicate_seed_option = seed + r
     replicate_seed_option: microneedling_seed
     outcomes: [collagen_gain_papillary]   default: every outcome of the model
     output_dir: out/sweeps/depth_density

   Every problem is reported with the file's line. */
#include "mhdriver.h"
#include <yaml.h>
#include <errno.h>
#include <unistd.h>

const char *const MHSweepCombines[] = {"grid", "zip", "random", "lhs", NULL};

/* A small deterministic generator (splitmix64): the same points on every machine and rank. */
static uint64_t MHSplitMix(uint64_t *s)
{
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z          = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* uniform in [0, 1) */
static double MHUniform(uint64_t *s)
{
  return (double)(MHSplitMix(s) >> 11) * (1.0 / 9007199254740992.0);
}

#define LINE(node) ((int)(node)->start_mark.line + 1)

static const char *MHScalar(yaml_node_t *n)
{
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The text of a scalar, or of a sequence of scalars joined with commas (as PETSc's YAML reader
   does for options). */
static PetscErrorCode MHSweepValueText(MHSweep *s, yaml_document_t *doc, yaml_node_t *n, const char *key, char *buf, size_t len)
{
  PetscFunctionBeginUser;
  buf[0] = 0;
  if (n->type == YAML_SCALAR_NODE) {
    PetscCheck(strlen(MHScalar(n)) < len, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: value too long", s->file, LINE(n), key);
    PetscCall(PetscStrncpy(buf, MHScalar(n), len));
    PetscFunctionReturn(0);
  }
  PetscCheck(n->type == YAML_SEQUENCE_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected a value or a list of values", s->file, LINE(n), key);
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    yaml_node_t *v = yaml_document_get_node(doc, *it);
    PetscCheck(MHScalar(v), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected a plain value in the list", s->file, LINE(v), key);
    PetscCheck(strlen(buf) + strlen(MHScalar(v)) + 2 < len, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: value too long", s->file, LINE(n), key);
    MHStrlcat(buf, buf[0] ? "," : "", len);
    MHStrlcat(buf, MHScalar(v), len);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode MHSweepReal(MHSweep *s, yaml_node_t *n, const char *key, PetscReal *v)
{
  char *end;

  PetscFunctionBeginUser;
  PetscCheck(MHScalar(n), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected a number", s->file, LINE(n), key);
  *v = strtod(MHScalar(n), &end);
  PetscCheck(end != MHScalar(n) && !*end && !PetscIsInfOrNanReal(*v), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: %s is not a finite number", s->file, LINE(n), key, MHScalar(n));
  PetscFunctionReturn(0);
}

static PetscErrorCode MHSweepInt(MHSweep *s, yaml_node_t *n, const char *key, PetscInt lo, PetscInt hi, PetscInt *v)
{
  char *end;
  long  x;

  PetscFunctionBeginUser;
  PetscCheck(MHScalar(n), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected a whole number", s->file, LINE(n), key);
  x = strtol(MHScalar(n), &end, 10);
  PetscCheck(end != MHScalar(n) && !*end, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: %s is not a whole number", s->file, LINE(n), key, MHScalar(n));
  PetscCheck(x >= lo && x <= hi, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: %ld is out of range; allowed [%" PetscInt_FMT ", %" PetscInt_FMT "]", s->file, LINE(n), key, x, lo, hi);
  *v = (PetscInt)x;
  PetscFunctionReturn(0);
}

static PetscErrorCode MHSweepBool(MHSweep *s, yaml_node_t *n, const char *key, PetscBool *v)
{
  const char *t = MHScalar(n);

  PetscFunctionBeginUser;
  PetscCheck(t && (!strcmp(t, "true") || !strcmp(t, "false")), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected true or false", s->file, LINE(n), key);
  *v = (PetscBool)!strcmp(t, "true");
  PetscFunctionReturn(0);
}

/* v as the shortest decimal that reads back as v (0.1, not 0.10000000000000001; 200, not 2e+02). */
static void MHShortest(PetscReal v, char *buf, size_t len)
{
  for (int digits = 1; digits <= 17; digits++) {
    snprintf(buf, len, "%.*g", digits, (double)v);
    if (strtod(buf, NULL) != (double)v) continue;
    if (strchr(buf, 'e') && PetscAbsReal(v) >= 1 && PetscAbsReal(v) < 1e15) snprintf(buf, len, "%.0f", (double)v);
    return;
  }
}

/* A value of a range: 12 significant digits, so that interior points of a log range read 200,
   not 200.00000000000003. */
static PetscReal MHRound12(PetscReal v)
{
  char buf[32];
  snprintf(buf, sizeof buf, "%.12g", (double)v);
  return strtod(buf, NULL);
}

/* A mapping is a range specification when it has the key "from". */
static PetscBool MHIsRange(yaml_document_t *doc, yaml_node_t *n)
{
  if (n->type != YAML_MAPPING_NODE) return PETSC_FALSE;
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    const char *k = MHScalar(yaml_document_get_node(doc, p->key));
    if (k && (!strcmp(k, "from") || !strcmp(k, "values"))) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

static PetscErrorCode MHSweepList(MHSweep *s, yaml_document_t *doc, const char *name, yaml_node_t *n, MHSweepParam *q)
{
  PetscFunctionBeginUser;
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    yaml_node_t *v = yaml_document_get_node(doc, *it);
    PetscCheck(MHScalar(v), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected plain values in the list", s->file, LINE(v), name);
    PetscCheck(q->nvalues < MH_SWEEP_MAX_VALUES, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: more than %d values", s->file, LINE(v), name, MH_SWEEP_MAX_VALUES);
    PetscCheck(strlen(MHScalar(v)) < sizeof q->values[0], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: value too long", s->file, LINE(v), name);
    PetscCall(PetscStrncpy(q->values[q->nvalues++], MHScalar(v), sizeof q->values[0]));
  }
  PetscCheck(q->nvalues > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: the list of values is empty", s->file, LINE(n), name);
  PetscFunctionReturn(0);
}

/* One varied parameter: a list of values, or {from, to, count, scale, integer}, or {values}. */
static PetscErrorCode MHSweepAddParam(MHSweep *s, yaml_document_t *doc, const char *name, yaml_node_t *n)
{
  MHSweepParam *q;
  PetscBool     has_from = PETSC_FALSE, has_to = PETSC_FALSE, has_count = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCheck(s->nparams < MH_SWEEP_MAX_PARAMS, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: more than %d varied parameters", s->file, LINE(n), MH_SWEEP_MAX_PARAMS);
  PetscCheck(strlen(name) < sizeof q->name, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: parameter name %s is too long", s->file, LINE(n), name);
  for (PetscInt k = 0; k < s->nparams; k++)
    PetscCheck(strcmp(s->param[k].name, name), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: parameter %s is varied twice (also line %d)", s->file, LINE(n), name, s->param[k].line);
  q = &s->param[s->nparams++];
  PetscCall(PetscMemzero(q, sizeof *q));
  PetscCall(PetscStrncpy(q->name, name, sizeof q->name));
  q->line = LINE(n);
  if (n->type == YAML_SCALAR_NODE) { /* one value: allowed, a parameter held fixed but listed */
    PetscCall(PetscStrncpy(q->values[0], MHScalar(n), sizeof q->values[0]));
    q->nvalues = 1;
  } else if (n->type == YAML_SEQUENCE_NODE) {
    PetscCall(MHSweepList(s, doc, name, n, q));
  } else {
    PetscCheck(MHIsRange(doc, n), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: expected a list of values or a range {from, to, count, scale}", s->file, LINE(n), name);
    q->count = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      yaml_node_t *kn = yaml_document_get_node(doc, p->key), *vn = yaml_document_get_node(doc, p->value);
      const char  *k = MHScalar(kn);
      char         what[2 * MH_NAME_LEN];
      PetscCall(PetscSNPrintf(what, sizeof what, "%s: %s", name, k ? k : "?"));
      if (k && !strcmp(k, "values")) { /* the list form, under a key */
        PetscCheck(vn->type == YAML_SEQUENCE_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: values: expected a list", s->file, LINE(vn), name);
        PetscCall(MHSweepList(s, doc, name, vn, q));
      } else if (k && !strcmp(k, "from")) {
        PetscCall(MHSweepReal(s, vn, what, &q->from));
        has_from = PETSC_TRUE;
      } else if (k && !strcmp(k, "to")) {
        PetscCall(MHSweepReal(s, vn, what, &q->to));
        has_to = PETSC_TRUE;
      } else if (k && !strcmp(k, "count")) {
        PetscCall(MHSweepInt(s, vn, what, 1, MH_SWEEP_MAX_VALUES, &q->count));
        has_count = PETSC_TRUE;
      } else if (k && !strcmp(k, "scale")) {
        const char *v = MHScalar(vn);
        PetscCheck(v && (!strcmp(v, "linear") || !strcmp(v, "log")), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: %s; allowed: linear, log", s->file, LINE(vn), what, v ? v : "not a word");
        q->logscale = (PetscBool)!strcmp(v, "log");
      } else if (k && !strcmp(k, "integer")) {
        PetscCall(MHSweepBool(s, vn, what, &q->integer));
      } else
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: unknown key %s; a range has from, to, count, scale (linear, log) and integer", s->file, LINE(kn), name, k ? k : "(not a word)");
    }
    if (q->nvalues) PetscFunctionReturn(0); /* {values: [...]} */
    PetscCheck(has_from && has_to, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: a range needs from and to", s->file, LINE(n), name);
    PetscCheck(q->from <= q->to, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: the range is empty (from %g > to %g)", s->file, LINE(n), name, (double)q->from, (double)q->to);
    PetscCheck(!q->logscale || q->from > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: a log range needs from > 0 (got %g)", s->file, LINE(n), name, (double)q->from);
    PetscCheck(!(q->from < q->to && has_count && q->count == 1), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: count 1 for a range of more than one value", s->file, LINE(n), name);
    q->range = PETSC_TRUE;
    if (!has_count) q->count = q->from == q->to ? 1 : 0; /* 0: only random and lhs sampling can use it */
    for (PetscInt i = 0; i < q->count; i++) {
      PetscReal f = q->count > 1 ? (PetscReal)i / (PetscReal)(q->count - 1) : 0, v;
      v           = q->logscale ? PetscExpReal(PetscLogReal(q->from) + f * (PetscLogReal(q->to) - PetscLogReal(q->from))) : q->from + f * (q->to - q->from);
      v           = MHRound12(v);
      if (i == 0) v = q->from; /* exact end points */
      if (i == q->count - 1) v = q->to;
      if (q->integer) v = PetscFloorReal(v + 0.5);
      MHShortest(v, q->values[i], sizeof q->values[i]);
    }
    q->nvalues = q->count;
    if (q->integer) /* rounding may repeat values */
      for (PetscInt i = 1; i < q->nvalues; i++)
        PetscCheck(strcmp(q->values[i], q->values[i - 1]), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: an integer range from %g to %g cannot hold %" PetscInt_FMT " distinct values", s->file, LINE(n), name, (double)q->from, (double)q->to, q->count);
  }
  PetscFunctionReturn(0);
}

/* The option named by key node kn under a nested group prefix ("" at the top): prefix_key, without
   a leading dash. */
static PetscErrorCode MHSweepKey(MHSweep *s, yaml_node_t *kn, const char *prefix, char *name, size_t len)
{
  const char *k = MHScalar(kn);

  PetscFunctionBeginUser;
  PetscCheck(k && k[strspn(k, "-")], PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: expected an option name", s->file, LINE(kn));
  PetscCall(PetscSNPrintf(name, len, "%s%s%s", prefix, prefix[0] ? "_" : "", k + strspn(k, "-")));
  PetscFunctionReturn(0);
}

/* parameters: a mapping of option names to value specifications; nested groups join with _. */
static PetscErrorCode MHSweepParams(MHSweep *s, yaml_document_t *doc, yaml_node_t *n, const char *prefix)
{
  PetscFunctionBeginUser;
  PetscCheck(n->type == YAML_MAPPING_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: parameters: expected a mapping of option names to values", s->file, LINE(n));
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *kn = yaml_document_get_node(doc, p->key), *vn = yaml_document_get_node(doc, p->value);
    char         name[MH_NAME_LEN * 2];
    PetscCall(MHSweepKey(s, kn, prefix, name, sizeof name));
    if (vn->type == YAML_MAPPING_NODE && !MHIsRange(doc, vn))
      PetscCall(MHSweepParams(s, doc, vn, name));
    else
      PetscCall(MHSweepAddParam(s, doc, name, vn));
  }
  PetscFunctionReturn(0);
}

/* options: a mapping like an options file's; nested groups join with _. */
static PetscErrorCode MHSweepFixedOptions(MHSweep *s, yaml_document_t *doc, yaml_node_t *n, const char *prefix)
{
  PetscFunctionBeginUser;
  PetscCheck(n->type == YAML_MAPPING_NODE, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: options: expected a mapping of option names to values", s->file, LINE(n));
  for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
    yaml_node_t *kn = yaml_document_get_node(doc, p->key), *vn = yaml_document_get_node(doc, p->value);
    char         name[MH_NAME_LEN * 2];
    PetscCall(MHSweepKey(s, kn, prefix, name, sizeof name));
    if (vn->type == YAML_MAPPING_NODE) {
      PetscCall(MHSweepFixedOptions(s, doc, vn, name));
      continue;
    }
    PetscCheck(s->nfixed < MH_SWEEP_MAX_FIXED, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: more than %d options", s->file, LINE(kn), MH_SWEEP_MAX_FIXED);
    PetscCall(PetscStrncpy(s->fixed[s->nfixed].name, name, sizeof s->fixed[0].name));
    PetscCall(MHSweepValueText(s, doc, vn, name, s->fixed[s->nfixed].value, sizeof s->fixed[0].value));
    s->fixed[s->nfixed++].line = LINE(kn);
  }
  PetscFunctionReturn(0);
}

/* The points: value[p * nparams + k] is parameter k's text at point p, replicate fastest. */
static PetscErrorCode MHSweepExpand(MHSweep *s, int line)
{
  PetscInt nbase = 1;
  uint64_t rng   = (uint64_t)s->seed;

  PetscFunctionBeginUser;
  switch (s->combine) {
  case MH_SWEEP_GRID:
    for (PetscInt k = 0; k < s->nparams; k++) {
      PetscCheck(s->param[k].nvalues > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: a range needs count for combine: grid", s->file, s->param[k].line, s->param[k].name);
      PetscCheck(nbase <= MH_SWEEP_MAX_POINTS / s->param[k].nvalues, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: the grid has more than %d points", s->file, s->param[k].line, MH_SWEEP_MAX_POINTS);
      nbase *= s->param[k].nvalues;
    }
    break;
  case MH_SWEEP_ZIP:
    nbase = s->nparams ? s->param[0].nvalues : 1;
    for (PetscInt k = 0; k < s->nparams; k++) {
      PetscCheck(s->param[k].nvalues > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s: a range needs count for combine: zip", s->file, s->param[k].line, s->param[k].name);
      PetscCheck(s->param[k].nvalues == nbase, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s has %" PetscInt_FMT " values but %s (line %d) has %" PetscInt_FMT "; combine: zip needs lists of one length", s->file, s->param[k].line, s->param[k].name, s->param[k].nvalues, s->param[0].name, s->param[0].line, nbase);
    }
    break;
  default:
    PetscCheck(s->samples > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: combine: %s needs samples: N (how many points)", s->file, line, MHSweepCombines[s->combine]);
    nbase = s->samples;
  }
  PetscCheck(nbase <= MH_SWEEP_MAX_POINTS / s->replicates, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s: more than %d points", s->file, MH_SWEEP_MAX_POINTS);
  s->npoints = nbase * s->replicates;
  PetscCall(PetscCalloc1(s->npoints * PetscMax(s->nparams, 1), &s->value));
  PetscCall(PetscMalloc1(nbase * PetscMax(s->nparams, 1), &s->strata));
  if (s->combine == MH_SWEEP_LHS) /* one random permutation of the strata per parameter */
    for (PetscInt k = 0; k < s->nparams; k++) {
      for (PetscInt b = 0; b < nbase; b++)
        s->strata[k * nbase + b] = b;
      for (PetscInt b = nbase - 1; b > 0; b--) {
        PetscInt j = (PetscInt)(MHSplitMix(&rng) % (uint64_t)(b + 1)), t = s->strata[k * nbase + b];
        s->strata[k * nbase + b] = s->strata[k * nbase + j];
        s->strata[k * nbase + j] = t;
      }
    }
  for (PetscInt b = 0; b < nbase; b++) {
    PetscInt rest = b;
    for (PetscInt k = s->nparams - 1; k >= 0; k--) { /* grid: the first parameter varies slowest */
      MHSweepParam *q = &s->param[k];
      char         *v = s->value[(b * s->replicates) * s->nparams + k];
      if (s->combine == MH_SWEEP_GRID) {
        PetscCall(PetscStrncpy(v, q->values[rest % q->nvalues], MH_SWEEP_VALUE_LEN));
        rest /= q->nvalues;
      } else if (s->combine == MH_SWEEP_ZIP) {
        PetscCall(PetscStrncpy(v, q->values[b], MH_SWEEP_VALUE_LEN));
      } else {
        double u = s->combine == MH_SWEEP_LHS ? (s->strata[k * nbase + b] + MHUniform(&rng)) / (double)nbase : MHUniform(&rng);
        if (q->range) {
          PetscReal x = q->logscale ? PetscExpReal(PetscLogReal(q->from) + u * (PetscLogReal(q->to) - PetscLogReal(q->from))) : q->from + u * (q->to - q->from);
          if (q->integer) x = PetscMin(PetscFloorReal(q->from + u * (q->to - q->from + 1)), q->to);
          MHShortest(x, v, MH_SWEEP_VALUE_LEN);
        } else
          PetscCall(PetscStrncpy(v, q->values[PetscMin((PetscInt)(u * q->nvalues), q->nvalues - 1)], MH_SWEEP_VALUE_LEN));
      }
    }
    for (PetscInt r = 1; r < s->replicates; r++)
      for (PetscInt k = 0; k < s->nparams; k++)
        PetscCall(PetscStrncpy(s->value[(b * s->replicates + r) * s->nparams + k], s->value[(b * s->replicates) * s->nparams + k], MH_SWEEP_VALUE_LEN));
  }
  PetscCall(PetscFree(s->strata));
  PetscFunctionReturn(0);
}

static PetscErrorCode MHReadText(const char *path, char **text)
{
  FILE *fp = fopen(path, "rb");
  long  size;

  PetscFunctionBeginUser;
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "-sweep %s: cannot open the file: %s", path, strerror(errno));
  fseek(fp, 0, SEEK_END);
  size = ftell(fp);
  rewind(fp);
  PetscCall(PetscMalloc1((size_t)PetscMax(size, 0) + 1, text));
  (*text)[size > 0 ? fread(*text, 1, (size_t)size, fp) : 0] = 0;
  fclose(fp);
  PetscFunctionReturn(0);
}

/* The keys of the sweep: mapping. */
static PetscErrorCode MHSweepParseTop(MHSweep *s, yaml_document_t *doc, yaml_node_t *top, int *combine_line, PetscBool *have_seed_option)
{
  const char *file = s->file;

  PetscFunctionBeginUser;
  for (yaml_node_pair_t *p = top->data.mapping.pairs.start; p < top->data.mapping.pairs.top; p++) {
    yaml_node_t *kn = yaml_document_get_node(doc, p->key), *vn = yaml_document_get_node(doc, p->value);
    const char  *k = MHScalar(kn), *v = MHScalar(vn);
    if (!k) k = "";
    if (!strcmp(k, "name")) {
      PetscCheck(!(!v || !v[0] || strpbrk(v, "/ ") || strlen(v) >= sizeof s->name), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: name: expected a short word without / or spaces", file, LINE(kn));
      PetscCall(PetscStrncpy(s->name, v, sizeof s->name));
    } else if (!strcmp(k, "base")) {
      PetscCheck(!(!v || !v[0]), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: base: expected an options file name", file, LINE(kn));
      if (v[0] == '/')
        PetscCall(PetscStrncpy(s->base, v, sizeof s->base));
      else
        PetscCall(PetscSNPrintf(s->base, sizeof s->base, "%s/%s", s->folder, v));
      s->base_line = LINE(kn);
    } else if (!strcmp(k, "options"))
      PetscCall(MHSweepFixedOptions(s, doc, vn, ""));
    else if (!strcmp(k, "parameters"))
      PetscCall(MHSweepParams(s, doc, vn, ""));
    else if (!strcmp(k, "combine")) {
      PetscInt c = -1;
      for (PetscInt i = 0; MHSweepCombines[i]; i++)
        if (v && !strcmp(v, MHSweepCombines[i])) c = i;
      PetscCheck(!(c < 0), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: combine: %s; allowed: grid, zip, random, lhs", file, LINE(kn), v ? v : "not a word");
      s->combine    = (MHSweepCombine)c;
      *combine_line = LINE(kn);
    } else if (!strcmp(k, "samples"))
      PetscCall(MHSweepInt(s, vn, "samples", 1, MH_SWEEP_MAX_POINTS, &s->samples));
    else if (!strcmp(k, "seed")) {
      PetscInt seed;
      PetscCall(MHSweepInt(s, vn, "seed", 0, PETSC_MAX_INT, &seed));
      s->seed = seed;
    } else if (!strcmp(k, "replicates"))
      PetscCall(MHSweepInt(s, vn, "replicates", 1, 10000, &s->replicates));
    else if (!strcmp(k, "replicate_seed_option")) {
      PetscCheck(!(!v || !v[strspn(v, "-")] || strlen(v) >= sizeof s->seed_option), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: replicate_seed_option: expected an option name", file, LINE(kn));
      PetscCall(PetscStrncpy(s->seed_option, v + strspn(v, "-"), sizeof s->seed_option));
      *have_seed_option = PETSC_TRUE;
      s->seed_opt_line  = LINE(kn);
    } else if (!strcmp(k, "outcomes")) {
      PetscCheck(!(vn->type != YAML_SEQUENCE_NODE), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: outcomes: expected a list of outcome names", file, LINE(kn));
      for (yaml_node_item_t *it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
        yaml_node_t *on = yaml_document_get_node(doc, *it);
        PetscCheck(!(!MHScalar(on) || s->noutcomes >= MH_MAX_OUTCOMES || strlen(MHScalar(on)) >= MH_NAME_LEN), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: outcomes: expected at most %d outcome names", file, LINE(on), MH_MAX_OUTCOMES);
        s->outcome_line[s->noutcomes] = LINE(on);
        PetscCall(PetscStrncpy(s->outcome[s->noutcomes++], MHScalar(on), MH_NAME_LEN));
      }
      PetscCheck(!(!s->noutcomes), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: outcomes: the list is empty (leave it out to gather every outcome)", file, LINE(kn));
    } else if (!strcmp(k, "output_dir")) {
      PetscCheck(!(!v || !v[0]), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: output_dir: expected a folder name", file, LINE(kn));
      PetscCall(PetscStrncpy(s->outdir, v, sizeof s->outdir));
    } else {
      SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: unknown key %s; allowed: name, base, options, parameters, combine, samples, seed, replicates, replicate_seed_option, outcomes, output_dir", file, LINE(kn), k);
    }
  }
  PetscFunctionReturn(0);
}

/* Reads and checks the sweep file (every rank reads it; no communication). */
PetscErrorCode MHSweepRead(MHSweep *s, const char *file)
{
  yaml_parser_t   parser;
  yaml_document_t doc;
  yaml_node_t    *root, *top = NULL;
  int             combine_line     = 1;
  PetscBool       have_seed_option = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(s->file, file, sizeof s->file));
  PetscCall(MHReadText(file, &s->text));
  s->replicates = 1;
  s->seed       = 1;
  {
    const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file, *dot = strrchr(base, '.');
    PetscCall(PetscSNPrintf(s->folder, sizeof s->folder, "%.*s", slash ? (int)(slash - file) : 1, slash ? file : "."));
    PetscCall(PetscSNPrintf(s->name, sizeof s->name, "%.*s", dot ? (int)(dot - base) : (int)strlen(base), base));
  }
  PetscCheck(yaml_parser_initialize(&parser), PETSC_COMM_SELF, PETSC_ERR_LIB, "libyaml: cannot create a parser");
  yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, strlen(s->text));
  if (!yaml_parser_load(&parser, &doc)) {
    char where[256];
    PetscCall(PetscSNPrintf(where, sizeof where, "line %lu, column %lu: %s%s%s", (unsigned long)parser.problem_mark.line + 1, (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "not valid YAML", parser.context ? " " : "", parser.context ? parser.context : ""));
    yaml_parser_delete(&parser);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "-sweep %s: not valid YAML at %s", file, where);
  }
  yaml_parser_delete(&parser);
  root = yaml_document_get_root_node(&doc);
  if (root && root->type == YAML_MAPPING_NODE)
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
      const char *k = MHScalar(yaml_document_get_node(&doc, p->key));
      if (k && !strcmp(k, "sweep"))
        top = yaml_document_get_node(&doc, p->value);
      else {
        int  l = LINE(yaml_document_get_node(&doc, p->key));
        char key[MH_NAME_LEN];
        PetscCall(PetscStrncpy(key, k ? k : "(not a word)", sizeof key)); /* k lives in the document */
        yaml_document_delete(&doc);
        SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: unknown key %s; a sweep file holds one mapping, sweep:", file, l, key);
      }
    }
  if (!top || top->type != YAML_MAPPING_NODE) {
    yaml_document_delete(&doc);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s: not a sweep file: expected a mapping sweep: with parameters: (see configs/sweeps/)", file);
  }
  {
    PetscErrorCode ierr = MHSweepParseTop(s, &doc, top, &combine_line, &have_seed_option);
    yaml_document_delete(&doc);
    PetscCall(ierr);
  }
  PetscCheck(s->nparams > 0, PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s: no parameters: to vary (a sweep: mapping with parameters: {option: [values]})", file);
  PetscCheck(!(s->replicates > 1 && !have_seed_option), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s: replicates: %" PetscInt_FMT " needs replicate_seed_option: (the option that seeds each replicate, e.g. microneedling_seed)", file, s->replicates);
  PetscCheck(!(s->combine < MH_SWEEP_RANDOM && s->samples), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: samples: only random and lhs draw samples; combine: %s takes every value", file, combine_line, MHSweepCombines[s->combine]);
  for (PetscInt k = 0; k < s->nparams; k++) {
    PetscCheck(!have_seed_option || strcmp(s->param[k].name, s->seed_option), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s is both varied and the replicate_seed_option", file, s->param[k].line, s->seed_option);
    for (PetscInt f = 0; f < s->nfixed; f++)
      PetscCheck(strcmp(s->param[k].name, s->fixed[f].name), PETSC_COMM_SELF, PETSC_ERR_USER_INPUT, "%s, line %d: %s is varied (line %d) and also set in options:", file, s->fixed[f].line, s->fixed[f].name, s->param[k].line);
  }
  PetscCheck(!s->base[0] || !access(s->base, R_OK), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "%s, line %d: base: cannot read %s: %s", file, s->base_line, s->base, strerror(errno));
  if (!s->outdir[0]) PetscCall(PetscSNPrintf(s->outdir, sizeof s->outdir, "out/sweeps/%s", s->name));
  PetscCall(MHSweepExpand(s, combine_line));
  PetscFunctionReturn(0);
}

PetscErrorCode MHSweepDestroy(MHSweep *s)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(s->text));
  PetscCall(PetscFree(s->value));
  PetscCall(PetscFree(s->strata));
  PetscCall(PetscFree(s->extra));
  PetscCall(PetscFree(s->base_text));
  PetscFunctionReturn(0);
}
