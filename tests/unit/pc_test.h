/* pc_test.h — the minimal test harness every unit test executable uses.
 *
 *   static void hist_should_count(void) { PC_CHECK(x == 1); PC_CHECK_EQ_U64(a, b); }
 *   int main(int argc, char **argv) { PC_RUN(hist_should_count); return pc_test_done(); }
 *
 * A failed check prints file:line and the expression, marks the test failed and returns from
 * the test function. `./test_x NAME` runs only the test named NAME. */
#ifndef PC_TEST_H
#define PC_TEST_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

extern int pc_test_failed_now;
void pc_test_fail(const char *file, int line, const char *what);
void pc_test_run(const char *name, void (*fn)(void));
void pc_test_filter(int argc, char **argv);
int pc_test_done(void);
/* Reads a whole file into a malloc'ed buffer the caller frees (*len its size); NULL when it
 * cannot be read. */
unsigned char *pc_test_slurp(const char *path, size_t *len);

#define PC_CHECK(cond) \
    do { if (!(cond)) { pc_test_fail(__FILE__, __LINE__, #cond); return; } } while (0)
#define PC_CHECK_EQ_U64(a, b) \
    do { unsigned long long a_ = (a), b_ = (b); if (a_ != b_) { char m_[256]; \
        snprintf(m_, sizeof m_, "%s == %s (%llu vs %llu)", #a, #b, a_, b_); \
        pc_test_fail(__FILE__, __LINE__, m_); return; } } while (0)
#define PC_CHECK_EQ_STR(a, b) \
    do { const char *a_ = (a), *b_ = (b); if (!a_ || !b_ || strcmp(a_, b_) != 0) { char m_[512]; \
        snprintf(m_, sizeof m_, "%s == %s (\"%s\" vs \"%s\")", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
        pc_test_fail(__FILE__, __LINE__, m_); return; } } while (0)
#define PC_RUN(fn) pc_test_run(#fn, fn)

#endif
