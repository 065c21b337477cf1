/* bcryptprimitives.dll for Wine 8, which lacks it: Rust's std (1.78 and later) imports
 * ProcessPrng from it for its hash-map keys and random numbers, so every Rust program for
 * Windows exits with STATUS_DLL_NOT_FOUND under Wine 8 without this. Real Windows 10+ has the
 * DLL; scripts/windows.sh copies this stub into the Wine prefix only.
 * ProcessPrng is advapi32's RtlGenRandom (SystemFunction036) in chunks of what a ULONG holds. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
