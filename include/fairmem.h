/*
 * fairmem.h: the C interface of FairMem (libFairMemABI.so, target Sources/FairMemABI).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One call runs one `fairmem` subcommand: it takes a JSON request and returns a JSON response.
 * Only C types cross this interface (NUL-terminated UTF-8 strings and 32-bit integers); no Swift
 * type, no callback, no global state that a caller must set up or tear down.
 *
 * REQUEST
 *
 *   {"command": "feasible",
 *    "arguments": {"metric": ["sp", "eopp"], "tolerance": 0.01},
 *    "input": {"groups": [...], "classes": [...], "population": [...], "confusion": [...]}}
 *
 *   command    one of analyze, stats, bias, explain, feasible, bounds, frontier, sweep, robust,
 *              steer, validate, reweight, compare, groupfree (the subcommands of the `fairmem`
 *              CLI, see Docs/cli.md).
 *   arguments  the command's long options without their dashes, in snake_case or kebab-case
 *              ("frontier_points" is --frontier-points): true sets a flag, false or null leaves
 *              it out, a string or number is the option's value, a list repeats the option.
 *              "json", "quiet", "help", "version" and "input" are reserved (the interface always
 *              answers in JSON, quietly).
 *   input      what the command would read from its file argument or standard input: a
 *              statistics object (Docs/input-format.md) for analyze/bias/explain/feasible/
 *              bounds/frontier/robust, the Gaussian specification for steer, the CSV text for
 *              stats, a list of statistics objects (or their
 *              JSON Lines text) for sweep; statistics may also be given as JSON text. Without
 *              input, analyze runs on its built-in example and sweep answers nothing.
 *
 * How arguments are parsed: the request becomes the command line of the same subcommand
 * (`fairmem feasible --metric=sp --metric=eopp --tolerance=0.01 --json -`) and is parsed by the
 * CLI's own swift-argument-parser types, so every option, default, validation rule and error
 * message is the CLI's; the command then runs its own code with the request's input as standard
 * input and a buffer as standard output. There is no second implementation of any command and
 * no second option parser: a new CLI option is available here the day it is added.
 *
 * RESPONSE
 *
 *   {"ok": true,  "exit_code": 0, "result": <exactly what `fairmem COMMAND --json` prints>}
 *   {"ok": false, "exit_code": 2,
 *    "error": {"code": "bad_input", "field": "tolerance", "message": "..."}}
 *
 *   exit_code  the CLI's exit code: 0 success, 1 infeasible under "check", 2 bad input,
 *              3 internal failure (Docs/output-format.md).
 *   result     the command's JSON output (Docs/output-format.md); for sweep a JSON array with one
 *              element per output line. A failed command that had already answered ("check" on
 *              an infeasible answer, a sweep with some bad instances) keeps its result.
 *   error      code "infeasible", "bad_input" or "internal_failure"; field names the request
 *              key, argument, JSON path (e.g. "population[1][0]") or CSV column at fault, or is
 *              null; message is the CLI's message.
 *
 * Malformed requests (invalid JSON, nesting deeper than 512, a request over 256 MiB, wrong types,
 * unknown commands or options) are answered with bad_input; they never abort the process.
 *
 * THREADS
 *
 * fairmem_request may be called from any number of threads at once: each call binds its
 * command's input and output to the calling thread, and the solvers keep no shared state (one
 * GLPK problem per solve). A sweep request itself runs on all cores (argument "threads").
 *
 * MEMORY
 *
 * The response is allocated with malloc; release it with fairmem_free (not with free from
 * another C runtime). fairmem_version returns static storage that must not be freed.
 */
#ifndef FAIRMEM_H
#define FAIRMEM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this interface; incremented on every incompatible change. Currently 1. */
#define FAIRMEM_ABI_VERSION 1

/*
 * Runs one request (NUL-terminated UTF-8 JSON) and returns the response (NUL-terminated UTF-8
 * JSON, newly allocated; release it with fairmem_free). A NULL request is answered with a
 * bad_input error. Returns NULL only when memory for the response cannot be allocated.
 */
char *fairmem_request(const char *request);

/* Releases a response of fairmem_request. NULL is allowed and does nothing. */
void fairmem_free(char *response);

/* The library's version, the text `fairmem --version` prints, e.g. "fairmem 0.1.0 (GLPK 5.0)".
 * Static storage: do not free. */
const char *fairmem_version(void);

/* The interface version the library implements (FAIRMEM_ABI_VERSION of its header). */
int32_t fairmem_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* FAIRMEM_H */
