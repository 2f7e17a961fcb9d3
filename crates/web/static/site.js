// onething pages work without this script; it only asks before signing out.
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (form.getAttribute('action') === '/logout' && !window.confirm('确定要退出登录吗？')) {
    event.preventDefault();
  }
});
