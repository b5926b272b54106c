/* The practical limit of the summary pass: read a classic pcap in 16 MiB
 * chunks and walk every record down to its TCP/UDP ports, nothing else.
 * Built and run by the benchmark beside the engine, on the same file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (16u << 20)

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  uint8_t *buf = malloc(CHUNK * 2);
  size_t have = fread(buf, 1, CHUNK, f);
  if (have < 24) return 2;
  size_t pos = 24, packets = 0;
  uint64_t portsum = 0;
  for (;;) {
    if (have - pos < 16 + 65536) {
      memmove(buf, buf + pos, have - pos);
      have -= pos;
      pos = 0;
      have += fread(buf + have, 1, CHUNK, f);
      if (have < 16) break;
    }
    uint32_t caplen;
    memcpy(&caplen, buf + pos + 8, 4);
    if (have - pos < 16 + caplen) break;
    const uint8_t *p = buf + pos + 16;
    uint32_t off = 14, type = be16(p + 12);
    if (type == 0x8100) { type = be16(p + 16); off = 18; }
    if (type == 0x0800 && caplen >= off + 24) {
      uint32_t ihl = (p[off] & 15) * 4;
      if (caplen >= off + ihl + 4) portsum += be16(p + off + ihl) + be16(p + off + ihl + 2);
    } else if (type == 0x86dd && caplen >= off + 44) {
      portsum += be16(p + off + 40) + be16(p + off + 42);
    }
    packets++;
    pos += 16 + caplen;
  }
  printf("%zu %llu\n", packets, (unsigned long long)portsum);
  return 0;
}
