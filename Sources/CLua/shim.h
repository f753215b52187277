// Shim over Debian's Lua 5.4 (liblua5.4-dev). Swift imports neither function-like macros nor variadic
// functions, so the ones OutpostLua needs are re-exposed here as static inline functions.
//
// The other half of this file is about *errors*: lua_error and luaL_error unwind with longjmp, which must
// never cross a Swift frame (defers would not run, objects would leak; swift-notes.md gotcha 14). So:
//   * Swift-implemented Lua functions run behind `outpost_trampoline`: the Swift function returns -1 with
//     the error message on the stack, and the trampoline raises it *after* the Swift frame has returned;
//   * the instruction budget and wall-clock deadline are checked in a C count hook, which raises from C;
//   * the memory cap is a custom allocator that refuses (Lua then raises LUA_ERRMEM itself), but only while
//     Lua code runs: while Swift code pushes values the cap is not enforced, so a push never longjmps.
#ifndef OUTPOST_CLUA_SHIM_H
#define OUTPOST_CLUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdio.h>

/// Per-state limits and accounting; the allocator's user pointer, so the hook reaches it too.
typedef struct outpost_lua_limits {
    size_t used;             // bytes currently allocated by this state
    size_t peak;             // highest `used` seen
    size_t cap;              // 0 = unlimited
    int enforce;             // 1 while Lua code runs on behalf of a call (set around pcall)
    int in_swift;            // > 0 while a Swift-implemented function runs (cap not enforced)
    int refused;             // set when the allocator refused a block during the current call
    int64_t budget;          // instructions left in the current call; < 0 = unlimited
    int64_t budget_total;    // the budget the call started with (for the message)
    double deadline;         // CLOCK_MONOTONIC seconds; 0 = none
    double timeout;          // the timeout the call started with (for the message)
    volatile int cancelled;  // set from any thread to stop the running call at the next hook
    int granularity;         // instructions between hook calls
    int tripped;             // which limit stopped the call: 1 budget, 2 timeout, 3 cancelled
} outpost_lua_limits;

static inline double outpost_monotonic_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void *outpost_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    outpost_lua_limits *limits = (outpost_lua_limits *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        limits->used -= old;
        return NULL;
    }
    if (limits->cap > 0 && limits->enforce && limits->in_swift == 0 && nsize > old
        && limits->used - old + nsize > limits->cap) {
        limits->refused = 1;
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) return NULL;
    limits->used = limits->used - old + nsize;
    if (limits->used > limits->peak) limits->peak = limits->used;
    return block;
}

static inline outpost_lua_limits *outpost_limits(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (outpost_lua_limits *)ud;
}

/// Raises "file:line: message" for the Lua function that is running (level 0 inside a hook).
static int outpost_raise_here(lua_State *L, const char *message) {
    lua_Debug ar;
    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
        lua_pushfstring(L, "%s:%d: %s", ar.short_src, ar.currentline, message);
    } else {
        lua_pushstring(L, message);
    }
    return lua_error(L);
}

static void outpost_limit_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    outpost_lua_limits *limits = outpost_limits(L);
    if (!limits->enforce) return;
    if (limits->cancelled) {
        limits->tripped = 3;
        outpost_raise_here(L, "call cancelled");
        return;
    }
    if (limits->budget >= 0) {
        limits->budget -= limits->granularity;
        if (limits->budget < 0) {
            limits->tripped = 1;
            char text[160];
            snprintf(text, sizeof text, "instruction budget of %lld exceeded (runaway loop?)",
                     (long long)limits->budget_total);
            outpost_raise_here(L, text);
            return;
        }
    }
    if (limits->deadline > 0 && outpost_monotonic_seconds() > limits->deadline) {
        limits->tripped = 2;
        char text[160];
        snprintf(text, sizeof text, "wall-clock timeout of %.3g s exceeded", limits->timeout);
        outpost_raise_here(L, text);
    }
}

/// Creates a state whose allocator keeps `limits` up to date. `limits` must outlive the state.
static inline lua_State *outpost_newstate(outpost_lua_limits *limits) {
    lua_State *L = lua_newstate(outpost_lua_alloc, limits);
    return L;
}

static inline void outpost_sethook(lua_State *L, int granularity) {
    outpost_limits(L)->granularity = granularity;
    lua_sethook(L, outpost_limit_hook, LUA_MASKCOUNT, granularity);
}

/// The signature of a Swift-implemented Lua function: returns the number of results, or -1 with an error
/// message on top of the stack.
typedef int (*outpost_swift_function)(lua_State *L);

static int outpost_trampoline(lua_State *L) {
    outpost_swift_function function = (outpost_swift_function)lua_touserdata(L, lua_upvalueindex(1));
    outpost_lua_limits *limits = outpost_limits(L);
    limits->in_swift += 1;
    int results = function(L);
    limits->in_swift -= 1;
    if (results < 0) return lua_error(L);  // the Swift frame has returned: longjmp is safe here
    return results;
}

static inline void outpost_push_swift_function(lua_State *L, outpost_swift_function function) {
    lua_checkstack(L, 2);
    lua_pushlightuserdata(L, (void *)function);
    lua_pushcclosure(L, outpost_trampoline, 1);
}

/// Message handler for pcall: keeps string messages, renders other error values.
static int outpost_message_handler(lua_State *L) {
    if (lua_type(L, 1) == LUA_TSTRING) return 1;
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    return 1;
}

/// pcall with the message handler; returns the status, leaves results or the message on the stack.
static inline int outpost_pcall(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_checkstack(L, 2);
    lua_pushcfunction(L, outpost_message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

/// Loads text (never bytecode) as a function; returns the status, leaves the function or message.
static inline int outpost_loadtext(lua_State *L, const char *text, size_t length, const char *chunkname) {
    return luaL_loadbufferx(L, text, length, chunkname, "t");
}

static inline void outpost_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void outpost_newtable(lua_State *L) { lua_newtable(L); }
static inline int outpost_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline lua_Number outpost_tonumber(lua_State *L, int i) { return lua_tonumberx(L, i, NULL); }
static inline lua_Integer outpost_tointeger(lua_State *L, int i) { return lua_tointegerx(L, i, NULL); }
static inline int outpost_isinteger(lua_State *L, int i) { return lua_isinteger(L, i); }
static inline int outpost_gc_collect(lua_State *L) { return lua_gc(L, LUA_GCCOLLECT); }
static inline int outpost_gc_count_kb(lua_State *L) { return lua_gc(L, LUA_GCCOUNT); }
static inline int outpost_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); return 0; }
static inline void *outpost_extraspace(lua_State *L) { return lua_getextraspace(L); }
static inline int outpost_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int outpost_multret(void) { return LUA_MULTRET; }

/// `luaL_error` is variadic; this raises a plain message with position (for C callers only).
static inline int outpost_error(lua_State *L, const char *message) {
    return luaL_error(L, "%s", message);
}

#endif
