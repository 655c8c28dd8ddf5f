using Microsoft.ML.Data;

namespace TextGeneration;

/// <summary>The continuation of the prompt (the prompt itself is not repeated).</summary>
public sealed class ModelOutput
{
    [ColumnName("GeneratedText")]
    public string GeneratedText { get; set; } = "";
}
