namespace Microsoft.ML.Attention.Samples.Tests.WebApi;

/// <summary>
/// A fact that needs an installed Chromium (Debian's package <c>chromium</c>, which .ci/run installs where apt can): it is skipped, with
/// the reason, only when no browser is found. Playwright drives that browser by its path; nothing is downloaded.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>Names a browser other than the packaged ones: the path of a Chromium or Chrome executable.</summary>
    public const string PathVariable = "MLATTENTION_CHROMIUM";

    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public BrowserFactAttribute()
    {
        if (BrowserPath is null)
            Skip = $"No Chromium found (set {PathVariable}, or install one: apt-get install chromium); looked at {string.Join(", ", Candidates)}.";
    }

    /// <summary>The browser's executable, or null when there is none.</summary>
    public static string? BrowserPath { get; } =
        (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } given ? [given] : Candidates).FirstOrDefault(File.Exists);
}
