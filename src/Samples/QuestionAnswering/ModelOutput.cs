using Microsoft.ML.Data;

namespace QuestionAnswering;

/// <summary>The answer: a span of the paragraph.</summary>
public sealed class ModelOutput
{
    /// <summary>The answer's text, always <c>Context.Substring(AnswerStart, Answer.Length)</c>.</summary>
    [ColumnName("Answer")]
    public string Answer { get; set; } = "";

    /// <summary>Its first character in the paragraph.</summary>
    [ColumnName("AnswerStart")]
    public int AnswerStart { get; set; }

    /// <summary>Start logit + end logit of the span: higher = more confident.</summary>
    [ColumnName("Score")]
    public float Score { get; set; }
}
