using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention;

/// <summary>
/// A scorer that continues text: <see cref="TransformerTextTransformer.Generate"/>, <see cref="TransformerTextTransformer.GenerateStream(string?, CancellationToken)"/>
/// and <see cref="TransformerTextTransformer.Generation"/> work for the tasks whose scorer is one.
/// </summary>
internal interface IGeneratingScorer : IRowScorer
{
    /// <summary>A copy of the saved generation settings.</summary>
    GenerationOptions Generation { get; }

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece.</summary>
    IEnumerable<string> Stream(string? prompt, CancellationToken cancellationToken);

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece under <paramref name="options"/> instead of the saved settings.</summary>
    IEnumerable<string> Stream(string? prompt, GenerationOptions options, CancellationToken cancellationToken);
}
