namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// A test that sends SIGINT to a child process: skipped on Windows (no POSIX signals) and where this process ignores SIGINT, which a
/// child inherits (a shell's background job, <c>nohup ... &amp;</c>): the runtime then never sees the signal, whatever the library does.
/// </summary>
public sealed class SigIntFactAttribute : FactAttribute
{
    public SigIntFactAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "Sends a POSIX signal with kill, which Windows does not have.";
        else if (SigIntIgnored())
            Skip = "SIGINT is ignored in the test process (started as a shell's background job), so the probe would inherit that.";
    }

    // Linux lists the ignored signals as a hexadecimal mask in /proc/self/status ("SigIgn:\t0000000000000002": bit 1 is SIGINT).
    private static bool SigIntIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
            return false;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out ulong mask)
            && (mask & (1UL << (2 - 1))) != 0;
    }
}
