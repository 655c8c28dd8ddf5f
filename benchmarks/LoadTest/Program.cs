// The WebApi sample under load and abuse, on a real Kestrel server (the sample as a process on a loopback port, started as a user
// starts it): real yelp sentences for /predict, real SQuAD paragraphs for /answer, stories260K for /generate, at 1, 16 and 64
// concurrent clients; then abandoned requests, with the server's CPU time read from /proc/PID/stat. Prints markdown tables.
//   dotnet build -c Release benchmarks/LoadTest
//   nice -n 5 dotnet benchmarks/LoadTest/bin/Release/net10.0/LoadTest.dll [requests per cell, default 300] [clients, default 1,16,64]
// The models are trained here in seconds (the sizes of the WebApi tests' fixture), so the figures measure the serving, not a model.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.ML;
using Microsoft.ML.Attention;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

int requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300;
int[] clientCounts = args.Length > 1 ? args[1].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray() : [1, 16, 64];
string root = FindRepoRoot();
string data = Path.Combine(root, "datasets");

var reviews = File.ReadLines(Path.Combine(data, "classification", "uci-sentiment", "yelp_labelled.txt"))
    .Select(l => l.Split('\t')).Where(p => p.Length == 2).Select(p => p[0]).ToList();
var squad = SquadReader.ReadExamples(Path.Combine(data, "qa", "squad-v1.1", "dev-v1.1.json"));
string folder = Directory.CreateTempSubdirectory("mlattention-loadtest").FullName;
var (sentimentPath, qaPath) = TrainModels(folder);

int port = FreePort();
string dll = Path.Combine(root, "src", "Samples", "WebApi", "bin", ConfigurationOf(AppContext.BaseDirectory), "net10.0", "WebApi.dll");
var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
foreach (string arg in new[] { dll, $"--Port={port}", $"--Models:Sentiment={sentimentPath}", $"--Models:QuestionAnswering={qaPath}", "--Logging:LogLevel:Default=Warning" })
    start.ArgumentList.Add(arg);
using var server = Process.Start(start)!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, _) => { };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
try
{
    await WaitForHealth();
    Console.WriteLine($"Server pid {server.Id}, {Environment.ProcessorCount} cores, {requests} requests per cell, default limits (ServingLimits).");
    Console.WriteLine($"Working set after start: {WorkingSetMb():F0} MB");
    Console.WriteLine();
    Console.WriteLine("| endpoint | clients | requests | ok | 503 then retried | other | ok/s | p50 ms | p99 ms | p99.9 ms | working set MB after |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    var paragraphs = squad.DistinctBy(e => e.Context).ToList();
    foreach (var (endpoint, body) in new (string, Func<int, object>)[]
    {
        ("/predict", i => new { text = reviews[i % reviews.Count] }),
        ("/answer", i => new { question = paragraphs[i % paragraphs.Count].Question, context = paragraphs[i % paragraphs.Count].Context }),
        ("/generate", i => new { prompt = reviews[i % reviews.Count], maxTokens = 32 }),
    })
    {
        for (int i = 0; i < 5; i++)
        {
            using var warmUp = await http.PostAsJsonAsync(endpoint, body(i));   // JIT and first allocations, not measured
            await warmUp.Content.ReadAsStringAsync();
        }

        foreach (int clients in clientCounts)
        {
            Console.WriteLine(await Cell(endpoint, body, clients));
        }
    }

    Console.WriteLine();
    Console.WriteLine("| hostile request | answer | server CPU in the 1st / 2nd / 3rd second after (s of CPU per s) | in flight after |");
    Console.WriteLine("| --- | --- | --- | ---: |");
    string huge = string.Concat(Enumerable.Repeat(paragraphs[0].Context + " ", 1_000_000 / paragraphs[0].Context.Length));
    var watchHuge = Stopwatch.StartNew();
    var tooLarge = await http.PostAsJsonAsync("/answer", new { question = "Who?", context = huge });
    Console.WriteLine($"| /answer, 1 MB context | {(int)tooLarge.StatusCode} in {watchHuge.ElapsedMilliseconds} ms | {await CpuAfter()} | {(await Stats()).InFlight} |");
    string window64 = string.Concat(Enumerable.Repeat(paragraphs[1].Context + " ", 8_000 / paragraphs[1].Context.Length));
    Console.WriteLine($"| 16 × /answer of 8,000 characters, abandoned after 50 ms | {await Abandon("/answer", () => new { question = "Who?", context = window64 }, 16, firstPiece: false)} | {await CpuAfter()} | {(await Stats()).InFlight} |");
    Console.WriteLine($"| 16 × /generate of 1,000 tokens, abandoned after the first piece | {await Abandon("/generate", () => new { prompt = "Once upon a time", maxTokens = 1000 }, 16, firstPiece: true)} | {await CpuAfter()} | {(await Stats()).InFlight} |");
    var stats = await Stats();
    Console.WriteLine();
    Console.WriteLine($"/stats at the end: {stats}; working set {WorkingSetMb():F0} MB");
}
finally
{
    if (!server.HasExited)
    {
        server.Kill(entireProcessTree: true);
        server.WaitForExit();
    }
}

// `clients` clients send `requests` requests in all; a client that gets 503 waits the Retry-After it was given and sends the request
// again (a well-behaved client), so every request ends answered: latency counts from its first attempt.
async Task<string> Cell(string endpoint, Func<int, object> body, int clients)
{
    var latencies = new List<double>();
    int ok = 0, pushedBack = 0, other = 0, next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        for (int i = Interlocked.Increment(ref next); i < requests; i = Interlocked.Increment(ref next))
        {
            var watch = Stopwatch.StartNew();
            while (true)
            {
                using var response = await http.PostAsJsonAsync(endpoint, body(i));
                await response.Content.ReadAsStringAsync();   // a /generate stream to its end
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref pushedBack);
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    continue;
                }

                lock (latencies)
                {
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        ok++;
                        latencies.Add(watch.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        other++;
                    }
                }

                break;
            }
        }
    })));
    clock.Stop();
    latencies.Sort();
    return $"| {endpoint} | {clients} | {requests} | {ok} | {pushedBack} | {other} | {ok / clock.Elapsed.TotalSeconds:F1} | {Percentile(latencies, 0.5):F0} | {Percentile(latencies, 0.99):F0} | {Percentile(latencies, 0.999):F0} | {WorkingSetMb():F0} |";
}

// Starts `count` requests at once, abandons them (after 50 ms, or after the first streamed piece), and waits until the server says none is in flight.
async Task<string> Abandon(string endpoint, Func<object> body, int count, bool firstPiece)
{
    var before = await Stats();
    await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
    {
        using var abandon = new CancellationTokenSource();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = JsonContent.Create(body()) };
            if (firstPiece)
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, abandon.Token);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(abandon.Token));
                await reader.ReadLineAsync(abandon.Token);
            }
            else
            {
                abandon.CancelAfter(50);
                using var response = await http.SendAsync(request, abandon.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // abandoned
        }
    }));
    var watch = Stopwatch.StartNew();
    StatsResponse after;
    while ((after = await Stats()).InFlight > 0)
        await Task.Delay(10);
    return $"{after.ClientGone - before.ClientGone} cancelled, {after.Completed - before.Completed} completed, {after.Rejected - before.Rejected} refused (503); idle {watch.ElapsedMilliseconds} ms after the last disconnect";
}

// The server's CPU seconds per second in each of the three seconds after now (utime + stime of /proc/PID/stat, in clock ticks of 100 Hz).
async Task<string> CpuAfter()
{
    var seconds = new List<string>();
    double last = CpuSeconds();
    for (int i = 0; i < 3; i++)
    {
        await Task.Delay(1000);
        double now = CpuSeconds();
        seconds.Add((now - last).ToString("F2", CultureInfo.InvariantCulture));
        last = now;
    }
    return string.Join(" / ", seconds);
}

double CpuSeconds()
{
    string stat = File.ReadAllText($"/proc/{server.Id}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;   // utime, stime
}

double WorkingSetMb()
{
    server.Refresh();
    return server.WorkingSet64 / (1024.0 * 1024.0);
}

async Task<StatsResponse> Stats() => (await http.GetFromJsonAsync<StatsResponse>("stats"))!;

async Task WaitForHealth()
{
    var deadline = DateTime.UtcNow.AddMinutes(2);
    while (true)
    {
        try
        {
            if ((await http.GetAsync("health")).IsSuccessStatusCode)
                return;
        }
        catch (HttpRequestException) when (DateTime.UtcNow < deadline && !server.HasExited)
        {
            await Task.Delay(200);
        }
    }
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

(string Sentiment, string QuestionAnswering) TrainModels(string folder)
{
    var ml = new MLContext(seed: 1);
    var encoder = new TransformerConfig { ModelDimension = 32, LayerCount = 2, HeadCount = 2, MaxSequenceLength = 64, Dropout = 0, AttentionDropout = 0 };
    string vocabulary = Path.Combine(data, "vocab", "bert-base-uncased", "vocab.txt");
    var rows = ml.Data.LoadFromEnumerable(reviews.Take(200).Select((text, i) => new Review { Text = text, Label = i % 2 == 0 }));
    string sentiment = Path.Combine(folder, "sentiment.zip");
    using (var model = ml.BinaryClassification.Trainers.AttentionTextClassifier(new TransformerTextOptions
    {
        Tokenizer = TokenizerKind.WordPiece, VocabularyPath = vocabulary, Model = encoder, Epochs = 1, BatchSize = 16, Seed = 1,
    }).Fit(rows))
    {
        ml.Model.Save(model, rows.Schema, sentiment);
    }
    var qaRows = ml.Data.TakeRows(SquadReader.Load(ml, Path.Combine(data, "qa", "squad-v1.1", "train-subset-du2017.json")), 16);
    string qa = Path.Combine(folder, "qa.zip");
    using (var model = ml.Transforms.AttentionEncoder(new TransformerTextOptions
    {
        Task = TransformerTask.QuestionAnswering, Tokenizer = TokenizerKind.WordPiece, VocabularyPath = vocabulary,
        Model = encoder with { TokenTypeCount = 2 }, MaxSteps = 2, BatchSize = 8, Seed = 1,
    }).Fit(qaRows))
    {
        ml.Model.Save(model, qaRows.Schema, qa);
    }
    return (sentiment, qa);
}

static string ConfigurationOf(string baseDirectory) => new DirectoryInfo(baseDirectory).Parent!.Name;

static int FreePort()
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    int port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "MlNetAttention.sln")))
            return dir.FullName;
    }
    throw new DirectoryNotFoundException("MlNetAttention.sln not found above " + AppContext.BaseDirectory);
}

/// <summary>GET /stats of the WebApi sample (its StatsResponse).</summary>
internal sealed record StatsResponse(long InFlight, long Completed, long ClientGone, long DeadlineExceeded, long TooLarge, long Rejected, long Streams, long GeneratedPieces);

internal sealed class Review
{
    public string Text { get; set; } = "";

    public bool Label { get; set; }
}
