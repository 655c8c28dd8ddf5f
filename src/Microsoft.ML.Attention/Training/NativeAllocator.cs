using System.Runtime.InteropServices;

namespace Microsoft.ML.Attention.Training;

/// <summary>
/// Keeps glibc from handing freed memory back to the kernel during training. libtorch's CPU allocator frees every large activation
/// with <c>free</c>; glibc serves such blocks with <c>mmap</c> and unmaps them on free, so every step faults in fresh zeroed pages
/// (most of a small model's Fit time can go to the kernel; docs/performance.md has the measurement). With <c>mallopt</c>, large
/// blocks come from the heap, which is neither trimmed nor unmapped. The trade-off: the process keeps its peak resident memory until it exits.
/// The settings equal <c>MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=… MALLOC_TOP_PAD_=512 MiB</c>, applied in-process (hand-written:
/// neither TorchSharp nor .NET exposes the C allocator's settings). A no-op outside glibc (Windows, macOS, musl).
/// </summary>
internal static class NativeAllocator
{
    private const int TrimThreshold = -1; // M_TRIM_THRESHOLD
    private const int TopPad = -2;        // M_TOP_PAD
    private const int MmapMax = -4;       // M_MMAP_MAX

    private static int _applied;

    /// <summary>Applies the settings once per process; true when they are in effect.</summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        if (Volatile.Read(ref _applied) == 1)
            return true;
        try
        {
            _ = gnu_get_libc_version(); // throws EntryPointNotFoundException on a C library that is not glibc
            bool ok = mallopt(MmapMax, 0) == 1 && mallopt(TrimThreshold, int.MaxValue) == 1 && mallopt(TopPad, 512 << 20) == 1;
            if (ok)
                Volatile.Write(ref _applied, 1);
            return ok;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);

    [DllImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr gnu_get_libc_version();
}
