using System.Diagnostics;
using Microsoft.ML.Attention.Tests.Estimators;

namespace Microsoft.ML.Attention.Tests.Reliability;

/// <summary>
/// A process that ends while <c>Fit</c> trains on a background thread ends cleanly: the probe
/// (tests/Microsoft.ML.Attention.ModelProbe, mode <c>--fit-in-background</c>) starts <c>Fit</c> on a thread-pool thread, waits for a
/// training step, then returns from <c>Main</c> or sends itself SIGINT. Before the fix, returning from <c>Main</c> ended with SIGSEGV
/// (exit code 139) every time.
/// </summary>
public class ProcessExitTests
{
    private const int SegmentationFault = 128 + 11;
    private const int Abort = 128 + 6;

    private static (int ExitCode, string Output, string Errors) RunProbe(string mode)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { ModelProbeProcess.ProbeDll, "--fit-in-background", mode, TestData.Path("lm", "wikitext2", "valid.txt") })
            start.ArgumentList.Add(arg);
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The probe in mode {mode} did not end in 120 s.");
        }
        return (process.ExitCode, output.Result, errors.Result);
    }

    private static void AssertNoCrash((int ExitCode, string Output, string Errors) run)
    {
        Assert.Contains("Fit is training on a background thread", run.Output);   // the exit came while Fit trained
        Assert.NotEqual(SegmentationFault, run.ExitCode);
        Assert.NotEqual(Abort, run.ExitCode);
        Assert.DoesNotContain("Segmentation fault", run.Errors, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SIGSEGV", run.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Returning_from_Main_while_Fit_trains_on_a_background_thread_exits_with_code_0()
    {
        var run = RunProbe("return");

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}: {run.Errors}");
    }

    [SigIntFact]
    public void SIGINT_while_Fit_trains_on_a_background_thread_ends_the_process_with_code_130()
    {
        var run = RunProbe("sigint");

        AssertNoCrash(run);
        Assert.True(run.ExitCode == 128 + 2, $"exit code {run.ExitCode}: {run.Errors}");   // .NET's default for an unhandled Ctrl+C
    }
}
