using Microsoft.ML.Data;

namespace QuestionAnswering;

/// <summary>A question about a paragraph.</summary>
public sealed class ModelInput
{
    [ColumnName("Question")]
    public string Question { get; set; } = "";

    /// <summary>The paragraph the answer is taken from.</summary>
    [ColumnName("Context")]
    public string Context { get; set; } = "";
}
