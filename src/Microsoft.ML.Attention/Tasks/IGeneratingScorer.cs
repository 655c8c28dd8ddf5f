using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention.Tasks;

/// <summary>
/// A scorer that continues text: the transformer's <c>Generate</c>, <c>GenerateStream</c> and <c>Generation</c> work for the tasks whose scorer is one.
/// </summary>
internal interface IGeneratingScorer : ITaskScorer
{
    /// <summary>A copy of the saved generation settings.</summary>
    GenerationOptions Generation { get; }

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece.</summary>
    IEnumerable<string> Stream(string? prompt, CancellationToken cancellationToken);

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece under <paramref name="options"/> instead of the saved settings.</summary>
    IEnumerable<string> Stream(string? prompt, GenerationOptions options, CancellationToken cancellationToken);
}
