using Microsoft.ML.Data;

namespace TextGeneration;

/// <summary>A text: a training passage, or the prompt to continue.</summary>
public sealed class ModelInput
{
    [ColumnName("Text")]
    public string Text { get; set; } = "";
}
