using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

/// <summary>
/// The WebApi sample started as a user starts it (<c>dotnet WebApi.dll --Port=N --Models:...</c>), in its project folder (where its
/// page, wwwroot/, is), on a free loopback port: a real Kestrel server that a browser can load. Stopped (this process only) on dispose.
/// </summary>
internal sealed class WebApiProcess : IDisposable
{
    private readonly Process _process;

    private WebApiProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri Address { get; }

    /// <summary>The server's process id (its CPU time is in /proc/ID/stat).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the server has exited, and with which code.</summary>
    public (bool Exited, int Code) Exit => _process.HasExited ? (true, _process.ExitCode) : (false, 0);

    /// <summary>Starts the app serving the given .zip files and waits until GET /health answers (at most 2 minutes).</summary>
    /// <param name="settings">More command-line configuration, e.g. <c>--Serving:QueueLimit=1</c>.</param>
    public static async Task<WebApiProcess> StartAsync(string sentiment, string questionAnswering, string generation, params string[] settings)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        string project = Path.Combine(SampleApp.RepoRoot, "src", "Samples", "WebApi");
        string dll = Path.Combine(project, "bin", testBin.Parent!.Name, testBin.Name, "WebApi.dll");
        Assert.True(File.Exists(dll), $"The WebApi sample is not built: {dll}");
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = project, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        string[] arguments = [dll, $"--Port={port}", $"--Models:Sentiment={sentiment}", $"--Models:QuestionAnswering={questionAnswering}", $"--Models:Generation={generation}", .. settings];
        foreach (string arg in arguments)
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };       // drained, so that a full pipe never blocks the app
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new WebApiProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await app.WaitForHealthAsync();
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private async Task WaitForHealthAsync()
    {
        using var client = new HttpClient { BaseAddress = Address };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            Assert.False(_process.HasExited, $"WebApi exited with {(_process.HasExited ? _process.ExitCode : 0)} before answering /health.");
            try
            {
                if ((await client.GetAsync("health")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // not listening yet
            }
            Assert.True(DateTime.UtcNow < deadline, "WebApi did not answer /health within 2 minutes.");
            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGTERM (a graceful stop: the host drains requests in flight) and waits at most <paramref name="timeout"/> for the exit.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }

    // A port the system has just handed out and released; the app binds it a moment later.
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
