/* bin2c: writes a binary file as a C array. Used at build time to embed the font,
 * so the renderer has no file I/O and works the same natively and in WASM.
 * usage: pc_bin2c INPUT SYMBOL OUTPUT.c  ->  const unsigned char SYMBOL[]; const unsigned long SYMBOL_len; */
#include <stdio.h>

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s INPUT SYMBOL OUTPUT.c\n", argv[0]);
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) { perror(argv[1]); return 1; }
    FILE *out = fopen(argv[3], "w");
    if (!out) { perror(argv[3]); fclose(in); return 1; }
    fprintf(out, "/* generated from %s by pc_bin2c; do not edit */\n", argv[1]);
    fprintf(out, "const unsigned char %s[] = {\n", argv[2]);
    unsigned long n = 0;
    int c;
    while ((c = fgetc(in)) != EOF) {
        fprintf(out, "%d,%s", c, (++n % 24) ? "" : "\n");
    }
    fprintf(out, "};\nconst unsigned long %s_len = %lu;\n", argv[2], n);
    int bad = ferror(in) || fclose(out) != 0;
    fclose(in);
    return bad ? 1 : 0;
}
