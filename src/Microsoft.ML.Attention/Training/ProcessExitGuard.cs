using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Attention.Training;

/// <summary>
/// Ends a training run cleanly when the process ends while the run goes on, on this thread or another. Without it, a program that
/// returned from <c>Main</c> while <c>Fit</c> trained on a background thread died with SIGSEGV (exit code 139): the runtime's exit
/// destroys libtorch's static state while a step still runs in it. While a guard is registered:
/// <list type="bullet">
/// <item><c>AppDomain.ProcessExit</c> cancels the run (<see cref="Token"/>) and waits, at most <see cref="WaitLimit"/>, until the training
/// thread is quiet: the step it was in has finished and released its tensors, and the thread is out of <c>Fit</c> or parked for
/// good (<see cref="Park"/>), so that it never calls into libtorch while the exit tears it down. The process then exits with its
/// own code (0 after <c>Main</c> returned).</item>
/// <item>SIGINT (Ctrl+C) and SIGTERM (through <see cref="PosixSignalRegistration"/>) cancel the run and wait the same way, then leave
/// the signal to .NET's default handling: the process ends as usual (code 130 for SIGINT, 143 for SIGTERM). A program that cancels
/// the signal itself (<c>Console.CancelKeyPress</c>) keeps running, and its <c>Fit</c> ends with <see cref="OperationCanceledException"/>.</item>
/// </list>
/// Hand-written: neither ML.NET nor TorchSharp stops native work at process exit.
/// </summary>
internal sealed class ProcessExitGuard : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _quiet = new();
    private readonly int _trainingThread = Environment.CurrentManagedThreadId;
    private readonly List<PosixSignalRegistration> _signals = [];
    private volatile bool _processExiting;

    /// <summary>Registers the handlers on the training thread; dispose when the run ends.</summary>
    public ProcessExitGuard()
    {
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _signals.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // No signals on this platform (browser, WASI): process exit is still guarded.
            }
        }
    }

    /// <summary>How long an exit or a signal waits for the current step to finish. A step that takes longer is not waited for.</summary>
    public static TimeSpan WaitLimit { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Cancelled when the process exits or gets SIGINT/SIGTERM; the run checks it before every step and validation batch.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Whether the process is exiting (<c>AppDomain.ProcessExit</c> was raised): then the training thread must <see cref="Park"/>.</summary>
    public bool ProcessIsExiting => _processExiting;

    /// <summary>
    /// Called on the training thread once the run stopped for the process exit: tells the exit it may go on and blocks this thread
    /// for good, so that it calls into libtorch no more while the exit destroys libtorch's state.
    /// </summary>
    [DoesNotReturn]
    public void Park()
    {
        _quiet.Set();
        Thread.Sleep(Timeout.Infinite);
        throw new UnreachableException();
    }

    /// <summary>Unregisters the handlers and lets a waiting exit or signal go on (the run has ended).</summary>
    /// <remarks>
    /// <see cref="_stop"/> and <see cref="_quiet"/> are not disposed: a handler already running may still use them, and neither holds
    /// an operating-system handle here (no timer, no wait handle is ever asked for).
    /// </remarks>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in _signals)
            registration.Dispose();
        _quiet.Set();
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        _processExiting = true;
        StopAndWait();
    }

    // context.Cancel stays false: .NET ends the process as it does on Ctrl+C or SIGTERM once the run is quiet.
    private void OnSignal(PosixSignalContext context) => StopAndWait();

    private void StopAndWait()
    {
        _stop.Cancel();
        if (Environment.CurrentManagedThreadId != _trainingThread)   // the training thread itself may exit (Environment.Exit in a callback)
            _quiet.Wait(WaitLimit);
    }
}
