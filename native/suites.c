/* suites.c — the suite table and parameter validation. Add a suite: one extern + one row. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

extern const pc_suite_t pc_suite_ringbuf;
extern const pc_suite_t pc_suite_orderbook;
extern const pc_suite_t pc_suite_volume;
extern const pc_suite_t pc_suite_fractal;
extern const pc_suite_t pc_suite_backtest;
extern const pc_suite_t pc_suite_mdf4;

static const pc_suite_t *const suites[] = {
    &pc_suite_ringbuf,
    &pc_suite_orderbook,
    &pc_suite_volume,
    &pc_suite_fractal,
    &pc_suite_backtest,
    &pc_suite_mdf4,
};

const pc_suite_t *const *pc_suites(size_t *n) {
    *n = sizeof suites / sizeof suites[0];
    return suites;
}

const pc_suite_t *pc_suite_find(const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(suites[i]->name, name) == 0) return suites[i];
    return NULL;
}

static const pc_param_def_t *param_find(const pc_suite_t *s, const char *name) {
    for (size_t i = 0; i < s->n_params; i++)
        if (strcmp(s->params[i].name, name) == 0) return &s->params[i];
    return NULL;
}

/* Reads a parameter value: a JSON number or a numeric string ("1e6", "0.5") for numbers; for
 * booleans also true/false, "true"/"false" and 1/0 (checked by the caller). */
static int value_of(const cJSON *v, pc_param_type_t type, double *out) {
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 0;
    }
    if (type == PC_PARAM_BOOL && cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? 1 : 0;
        return 0;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        const char *s = v->valuestring;
        if (type == PC_PARAM_BOOL && !strcmp(s, "true")) { *out = 1; return 0; }
        if (type == PC_PARAM_BOOL && !strcmp(s, "false")) { *out = 0; return 0; }
        char *end;
        double d = strtod(s, &end);
        if (*end == '\0' && isfinite(d)) {
            *out = d;
            return 0;
        }
    }
    return PC_EINVAL;
}

static void fmt_num(char *buf, size_t cap, double v) {
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, cap, "%.0f", v);
    else snprintf(buf, cap, "%g", v);
}

cJSON *pc_suite_params(const pc_suite_t *s, const cJSON *overrides, int quick, pc_errbuf_t *err) {
    if (overrides && !cJSON_IsObject(overrides)) {
        pc_errf(err, PC_EINVAL, "params must be an object of name: value");
        return NULL;
    }
    const cJSON *o;
    cJSON_ArrayForEach(o, overrides) {
        if (strcmp(o->string, "quick") == 0) continue; /* the flag, not a parameter */
        if (!param_find(s, o->string)) {
            pc_errf(err, PC_ENOTFOUND, "suite %s has no parameter \"%s\" (see perfcast list)", s->name, o->string);
            return NULL;
        }
    }
    cJSON *out = cJSON_CreateObject();
    if (!out) return NULL;
    for (size_t i = 0; i < s->n_params; i++) {
        const pc_param_def_t *p = &s->params[i];
        double v = quick ? p->quick : p->def;
        const cJSON *ov = cJSON_GetObjectItemCaseSensitive(overrides, p->name);
        if (p->type == PC_PARAM_STRING) {
            const char *sv = ov ? cJSON_GetStringValue(ov) : "";
            if (!sv) {
                pc_errf(err, PC_EINVAL, "parameter %s: not a string", p->name);
                goto fail;
            }
            if ((double)strlen(sv) > p->max) {
                pc_errf(err, PC_EINVAL, "parameter %s: longer than %.0f bytes", p->name, p->max);
                goto fail;
            }
            if (!cJSON_AddStringToObject(out, p->name, sv)) {
                pc_errf(err, PC_ENOMEM, "out of memory");
                goto fail;
            }
            continue;
        }
        if (ov && value_of(ov, p->type, &v) != 0) {
            pc_errf(err, PC_EINVAL, "parameter %s: not a %s", p->name,
                    p->type == PC_PARAM_BOOL ? "boolean (true/false or 1/0)" : "number");
            goto fail;
        }
        if (p->type == PC_PARAM_INT && v != floor(v)) {
            pc_errf(err, PC_EINVAL, "parameter %s: %g is not an integer", p->name, v);
            goto fail;
        }
        if (p->type == PC_PARAM_BOOL && v != 0 && v != 1) {
            pc_errf(err, PC_EINVAL, "parameter %s: expected true/false or 1/0", p->name);
            goto fail;
        }
        if (v < p->min || v > p->max) {
            char lo[32], hi[32], got[32];
            fmt_num(lo, sizeof lo, p->min);
            fmt_num(hi, sizeof hi, p->max);
            fmt_num(got, sizeof got, v);
            pc_errf(err, PC_EINVAL, "parameter %s: %s is outside [%s, %s]", p->name, got, lo, hi);
            goto fail;
        }
        cJSON *item = p->type == PC_PARAM_BOOL ? cJSON_CreateBool(v != 0) : cJSON_CreateNumber(v);
        if (!item || !cJSON_AddItemToObject(out, p->name, item)) {
            cJSON_Delete(item);
            pc_errf(err, PC_ENOMEM, "out of memory");
            goto fail;
        }
    }
    if (s->check && s->check(out, err) != 0) goto fail;
    return out;
fail:
    cJSON_Delete(out);
    return NULL;
}

static const char *type_name(pc_param_type_t t) {
    return t == PC_PARAM_INT ? "int" : t == PC_PARAM_BOOL ? "bool" : t == PC_PARAM_STRING ? "string" : "number";
}

static cJSON *string_list(const char *const *list) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && list && list[i]; i++) cJSON_AddItemToArray(a, cJSON_CreateString(list[i]));
    return a;
}

cJSON *pc_suites_json(void) {
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return NULL;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        const pc_suite_t *s = suites[i];
        cJSON *js = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, js);
        cJSON_AddStringToObject(js, "name", s->name);
        cJSON_AddStringToObject(js, "description", s->description);
        cJSON *params = cJSON_AddArrayToObject(js, "params");
        for (size_t k = 0; k < s->n_params; k++) {
            const pc_param_def_t *p = &s->params[k];
            cJSON *jp = cJSON_CreateObject();
            cJSON_AddItemToArray(params, jp);
            cJSON_AddStringToObject(jp, "name", p->name);
            cJSON_AddStringToObject(jp, "type", type_name(p->type));
            if (p->host_path) cJSON_AddBoolToObject(jp, "host_path", 1);
            if (p->type == PC_PARAM_STRING) {
                cJSON_AddStringToObject(jp, "default", "");
                cJSON_AddStringToObject(jp, "quick", "");
                cJSON_AddNumberToObject(jp, "max_length", p->max);
            } else if (p->type == PC_PARAM_BOOL) {
                cJSON_AddBoolToObject(jp, "default", p->def != 0);
                cJSON_AddBoolToObject(jp, "quick", p->quick != 0);
            } else {
                cJSON_AddNumberToObject(jp, "default", p->def);
                cJSON_AddNumberToObject(jp, "quick", p->quick);
                cJSON_AddNumberToObject(jp, "min", p->min);
                cJSON_AddNumberToObject(jp, "max", p->max);
            }
            cJSON_AddStringToObject(jp, "unit", p->unit ? p->unit : "");
            cJSON_AddStringToObject(jp, "help", p->help ? p->help : "");
        }
        cJSON_AddItemToObject(js, "views", string_list(s->views));
        cJSON_AddItemToObject(js, "summary_keys", string_list(s->summary_keys));
    }
    return arr;
}
