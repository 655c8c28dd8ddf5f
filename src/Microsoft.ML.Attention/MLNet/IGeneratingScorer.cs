using Microsoft.ML.Attention.Generation;

namespace Microsoft.ML.Attention;

/// <summary>
/// A scorer that continues text: <see cref="TransformerTextTransformer.Generate"/>, <see cref="TransformerTextTransformer.GenerateStream"/>
/// and <see cref="TransformerTextTransformer.Generation"/> work for the tasks whose scorer is one.
/// </summary>
internal interface IGeneratingScorer : IRowScorer
{
    /// <summary>A copy of the saved generation settings.</summary>
    GenerationOptions Generation { get; }

    /// <summary>Yields the continuation of <paramref name="prompt"/> piece by piece.</summary>
    IEnumerable<string> Stream(string? prompt, CancellationToken cancellationToken);
}
