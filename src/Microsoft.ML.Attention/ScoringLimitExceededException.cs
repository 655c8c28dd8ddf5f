namespace Microsoft.ML.Attention;

/// <summary>
/// A row would cost more scoring work than a limit allows (for example a question-answering context that needs more than
/// <see cref="QuestionAnsweringOptions.MaxWindowsPerRow"/> windows). Thrown by <c>Transform</c>'s cursor or a
/// <c>PredictionEngine</c> before the row's work starts; the transformer stays usable. A server answers it as a client error
/// (the WebApi sample: 413 with <see cref="Exception.Message"/>). See docs/reliability.md, "Bounded work per row".
/// </summary>
public sealed class ScoringLimitExceededException : InvalidOperationException
{
    /// <summary>Creates the exception; the message names the column, the limit and its value.</summary>
    /// <param name="columnName">The input column whose value is too large.</param>
    /// <param name="limitName">The option that sets the limit (e.g. <c>QuestionAnswering.MaxWindowsPerRow</c>).</param>
    /// <param name="limit">The limit's value.</param>
    /// <param name="message">What was exceeded and how to proceed.</param>
    public ScoringLimitExceededException(string columnName, string limitName, long limit, string message)
        : base(message)
    {
        ColumnName = columnName;
        LimitName = limitName;
        Limit = limit;
    }

    /// <summary>The input column whose value is too large.</summary>
    public string ColumnName { get; }

    /// <summary>The option that sets the limit.</summary>
    public string LimitName { get; }

    /// <summary>The limit's value.</summary>
    public long Limit { get; }
}
