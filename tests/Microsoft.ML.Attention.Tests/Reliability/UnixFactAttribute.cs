namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>A fact that runs where POSIX signals can be sent with <c>kill</c> (Linux, macOS); skipped on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
            Skip = "Sends a POSIX signal with kill, which Windows does not have.";
    }
}
