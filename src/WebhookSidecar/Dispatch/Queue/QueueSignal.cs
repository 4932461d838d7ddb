namespace WebhookSidecar.Dispatch.Queue;

/// <summary>Wakes the queue worker: an event was stored or a delivery finished. Notifications are never lost between <see cref="Arm"/> and the wait.</summary>
internal sealed class QueueSignal
{
    private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Volatile.Read(ref _current).TrySetResult();

    /// <summary>Returns the task the next <see cref="Notify"/> completes; call before looking for work, wait on it after.</summary>
    public Task Arm()
    {
        var current = Volatile.Read(ref _current);
        if (current.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        }

        return Volatile.Read(ref _current).Task;
    }

    /// <summary>Waits for <paramref name="armed"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task armed, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        if (armed.IsCompleted)
        {
            return;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, cts.Token);
        await Task.WhenAny(armed, delay).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
