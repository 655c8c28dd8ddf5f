namespace Microsoft.ML.Attention.Tests.Fixtures;

/// <summary>A fact that runs only when <c>MLATTENTION_WRITE_FIXTURES=1</c>: it rewrites committed fixtures, so it never runs by accident.</summary>
public sealed class WriteFixturesFactAttribute : FactAttribute
{
    public WriteFixturesFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MLATTENTION_WRITE_FIXTURES") != "1")
            Skip = "Writes the saved-model fixtures; set MLATTENTION_WRITE_FIXTURES=1 to run it.";
    }
}
