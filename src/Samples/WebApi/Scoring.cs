using Microsoft.Extensions.Options;
using Microsoft.ML.Attention;

namespace WebApi;

/// <summary>
/// Runs one request's model call under its deadline: <c>HttpContext.RequestAborted</c> linked with <see cref="ServingLimits.RequestTimeout"/>,
/// made the library's ambient cancellation (<see cref="TransformerScoring.WithCancellation"/>), so a client that leaves or a request
/// that runs too long stops the work within one batch, window or token. The library's answers become HTTP answers: a row past a work
/// limit 413, the deadline 504.
/// </summary>
public sealed class Scoring(ServingStats stats, IOptions<ServingLimits> limits)
{
    private readonly ServingLimits _limits = limits.Value;

    /// <summary>A deadline for <paramref name="http"/>'s work: cancelled when the client leaves or the timeout passes. Dispose it when the work ends.</summary>
    public CancellationTokenSource Deadline(HttpContext http)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        if (_limits.RequestTimeout <= TimeSpan.Zero)
            deadline.Cancel();
        else
            deadline.CancelAfter(_limits.RequestTimeout);
        return deadline;
    }

    /// <summary>Runs <paramref name="predict"/> under the request's deadline and answers <paramref name="respond"/> of its result.</summary>
    public IResult Run<T>(HttpContext http, Func<T> predict, Func<T, IResult> respond)
    {
        using var deadline = Deadline(http);
        using var scope = TransformerScoring.WithCancellation(deadline.Token);
        stats.Started();
        var end = RequestEnd.Completed;
        try
        {
            return respond(predict());
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            end = http.RequestAborted.IsCancellationRequested ? RequestEnd.ClientGone : RequestEnd.Deadline;
            return end == RequestEnd.ClientGone
                ? Results.StatusCode(StatusCodes.Status499ClientClosedRequest)
                : Results.Json(new ErrorResponse($"The request ran past its deadline of {_limits.RequestTimeout.TotalSeconds:0.###} s ({ServingLimits.Section}:{nameof(ServingLimits.RequestTimeout)}); its work was stopped."),
                    statusCode: StatusCodes.Status504GatewayTimeout);
        }
        catch (ScoringLimitExceededException e)
        {
            end = RequestEnd.TooLarge;
            return Results.Json(new ErrorResponse(e.Message), statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        finally
        {
            stats.Ended(end);
        }
    }
}
